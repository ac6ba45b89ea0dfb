using System.Globalization;
using Workbench.Benchmarks.Results;
using Workbench.Figures.Shaping;

namespace Workbench.Figures.Tests.Shaping;

/// <summary>The numbers of the memory-over-time figure: which trial of each allocator, its samples in time order, in MiB.</summary>
public sealed class MemoryOverTimeDataTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("figures-memory-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void TheFirstRepetitionAtTheMostThreadsInMebibytesAndTimeOrder()
    {
        ResultTable table = new ResultTable()
            .Add("memory", "cfa", 2, 2, [])
            .Add("memory", "cfa", 2, 1, [])
            .Add("memory", "cfa", 1, 1, [])
            .Add("memory", "glibc", 2, 1, [])
            .Add("memory", "jemalloc", 2, 1, []);
        IReadOnlyList<ResultRow> rows = table.Rows;
        WriteSeries(
            (rows[1], 0.10, 2048, -1, "sampler"),
            (rows[1], 0.00, 1024, 1_048_576, "workload"),
            (rows[1], 0.05, 3072, 2_097_152, "workload"),
            (rows[1], 0.07, 4096, -1, "workload"),
            (rows[0], 0.00, 999_999, 999_999, "workload"),
            (rows[2], 0.00, 512, 0, "workload"),
            (rows[3], 0.00, 512, -1, "sampler"));

        MemoryOverTimeData data = MemoryOverTimeData.From(table.Run(_directory))!;

        Assert.Equal(2, data.Threads);
        // jemalloc's trial has no series: it is left out.
        Assert.Equal(["cfa", "glibc"], data.Traces.Select(t => t.Allocator));
        Assert.Equal([new MemorySample(0, 1), new MemorySample(0.05, 3), new MemorySample(0.07, 4), new MemorySample(0.10, 2)], data.Traces[0].Resident);
        // Requested bytes come from the workload's samples that counted them (-1: not counted).
        Assert.Equal([new MemorySample(0, 1), new MemorySample(0.05, 2)], data.Traces[0].Requested);
        Assert.Equal([new MemorySample(0, 0.5)], data.Traces[1].Resident);
        Assert.Empty(data.Traces[1].Requested);
        Assert.True(data.HasRequested);

        MemoryOverTimeData oneThread = MemoryOverTimeData.From(table.Run(_directory), threads: 1)!;
        Assert.Equal([new MemorySample(0, 0.5)], oneThread.Traces.Single().Resident);
        Assert.Equal([new MemorySample(0, 0)], oneThread.Traces.Single().Requested);
    }

    [Fact]
    public void WithoutSeriesThereIsNothing()
    {
        ResultTable table = new ResultTable().Add("memory", "cfa", 1, 1, []);

        Assert.Null(MemoryOverTimeData.From(table.Run()));
        Assert.Null(MemoryOverTimeData.From(table.Run(_directory)));
        Assert.Null(MemoryOverTimeData.From(table.Run(_directory), "mleak"));
    }

    private void WriteSeries(params (ResultRow Row, double Seconds, long RssKib, long Requested, string Source)[] samples) =>
        File.WriteAllLines(Path.Combine(_directory, SeriesFile.FileName), [SeriesFile.Header, .. samples.Select(s =>
            string.Create(CultureInfo.InvariantCulture, $"{s.Row.TrialName},{s.Seconds},{s.RssKib},{s.Requested},{s.Source}"))]);
}
