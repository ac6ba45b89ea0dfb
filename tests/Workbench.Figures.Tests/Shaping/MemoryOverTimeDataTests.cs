using System.Globalization;
using Workbench.Benchmarks.Results;
using Workbench.Figures.Shaping;

namespace Workbench.Figures.Tests.Shaping;

/// <summary>
/// The numbers of the memory-over-time figure: a panel per allocator, every repetition of each, the allocator's memory
/// over the runtime's baseline in MiB and time order, every configuration reachable.
/// </summary>
public sealed class MemoryOverTimeDataTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("figures-memory-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void EveryRepetitionAtTheMostThreadsOverTheBaselineInMebibytesAndTimeOrder()
    {
        ResultTable table = new ResultTable()
            .Add("memory", "cfa", 2, 2, [])
            .Add("memory", "cfa", 2, 1, [])
            .Add("memory", "cfa", 1, 1, [])
            .Add("memory", "glibc", 2, 1, [])
            .Add("memory", "jemalloc", 2, 1, []);
        IReadOnlyList<ResultRow> rows = table.Rows;
        WriteSeries(
            (rows[1], 0.10, 2048, -1, "sampler", null, null),
            (rows[1], 0.00, 41_000, 0, "workload", 0, 0),
            (rows[1], 0.05, 44_000, 2_097_152, "workload", 1024, 2048),
            (rows[1], 0.07, 43_000, 1_048_576, "workload", 512, 2048),
            (rows[0], 0.00, 999_999, 0, "workload", 0, 0),
            (rows[0], 0.02, 999_999, 0, "workload", 0, 3072),
            (rows[2], 0.00, 512, 0, "workload", 0, 0),
            // An older run's trial, RSS only: drawn as RSS over its first sample.
            (rows[3], 0.00, 40_960, 0, "workload", null, null),
            (rows[3], 0.04, 43_008, 1_048_576, "workload", null, null));

        MemoryOverTimeData data = MemoryOverTimeData.From(table.Run(_directory))!;

        Assert.Equal(2, data.Threads);
        // jemalloc's trial has no series: it has no panel.
        Assert.Equal(["cfa", "glibc"], data.Panels.Select(p => p.Allocator));
        Assert.Equal([1, 2], data.Panels[0].Repetitions.Select(r => r.Repetition));
        MemoryTrace first = data.Panels[0].Repetitions[0];
        // The workload's samples only (the sampler's is left out), heap and mmap as stored, over the baseline.
        Assert.Equal([new MemorySample(0, 0), new MemorySample(0.05, 1), new MemorySample(0.07, 0.5)], first.Heap);
        Assert.Equal([new MemorySample(0, 0), new MemorySample(0.05, 2), new MemorySample(0.07, 2)], first.Mmap);
        Assert.Equal([new MemorySample(0, 0), new MemorySample(0.05, 2), new MemorySample(0.07, 1)], first.Requested);
        Assert.Empty(first.Resident);
        Assert.Equal([0, 3], data.Panels[0].Repetitions[1].Mmap.Select(s => s.MiB));
        MemoryTrace old = data.Panels[1].Repetitions.Single();
        Assert.Empty(old.Heap);
        Assert.Equal([new MemorySample(0, 0), new MemorySample(0.04, 2)], old.Resident);
        Assert.True(data.HasRequested && data.HasSplit);
        Assert.Equal(2, data.Repetitions);

        MemoryOverTimeData normalized = MemoryOverTimeData.From(table.Run(_directory), normalizedTime: true)!;
        Assert.Equal([0, 0.05 / 0.07, 1], normalized.Panels[0].Repetitions[0].Mmap.Select(s => s.Seconds));

        MemoryOverTimeData oneThread = MemoryOverTimeData.From(table.Run(_directory), threads: 1)!;
        Assert.Equal([new MemorySample(0, 0)], oneThread.Panels.Single().Repetitions.Single().Heap);
        Assert.Equal(["glibc"], MemoryOverTimeData.From(table.Run(_directory), allocators: ["glibc", "tbb"])!.Panels.Select(p => p.Allocator));
    }

    [Fact]
    public void EveryConfigurationIsReachable()
    {
        ResultTable table = new ResultTable()
            .Add("memory", "cfa", 1, 1, [], sizes: "fixed:64")
            .Add("memory", "cfa", 1, 1, [], sizes: "fixed:4096");
        WriteSeries((table.Rows[0], 0, 100, 0, "workload", 0, 0), (table.Rows[1], 0, 100, 0, "workload", 0, 0), (table.Rows[1], 1, 100, 4096, "workload", 0, 8));
        RunData run = table.Run(_directory);
        IReadOnlyList<string> configurations = MemoryOverTimeData.Configurations(run, "memory");
        Assert.Equal(["fixed:64", "fixed:4096"], configurations);
        Assert.Single(MemoryOverTimeData.From(run, configuration: configurations[0])!.Panels[0].Repetitions[0].Mmap);
        Assert.Equal(2, MemoryOverTimeData.From(run, configuration: configurations[1])!.Panels[0].Repetitions[0].Mmap.Count);
    }

    [Fact]
    public void WithoutSeriesThereIsNothing()
    {
        ResultTable table = new ResultTable().Add("memory", "cfa", 1, 1, []);

        Assert.Null(MemoryOverTimeData.From(table.Run()));
        Assert.Null(MemoryOverTimeData.From(table.Run(_directory)));
        Assert.Null(MemoryOverTimeData.From(table.Run(_directory), "mleak"));
    }

    private void WriteSeries(params (ResultRow Row, double Seconds, long RssKib, long Requested, string Source, long? Heap, long? Mmap)[] samples) =>
        File.WriteAllLines(Path.Combine(_directory, SeriesFile.FileName), [SeriesFile.Header, .. samples.Select(s =>
            string.Create(CultureInfo.InvariantCulture, $"{s.Row.TrialName},{s.Seconds},{s.RssKib},{s.Requested},{s.Source},{s.Heap},{s.Mmap}"))]);
}
