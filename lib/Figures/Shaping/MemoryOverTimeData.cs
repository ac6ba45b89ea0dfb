using Workbench.Benchmarks.Results;

namespace Workbench.Figures.Shaping;

/// <summary>What the memory-over-time figure draws: one trial per allocator, its memory against time.</summary>
/// <param name="Benchmark">The benchmark.</param>
/// <param name="Threads">The thread count of the trials drawn.</param>
/// <param name="Traces">The allocators whose trial has a series, in catalogue order.</param>
public sealed record MemoryOverTimeData(string Benchmark, int Threads, IReadOnlyList<MemoryTrace> Traces)
{
    /// <summary>Whether any trial counted the bytes its workload requested.</summary>
    public bool HasRequested => Traces.Any(t => t.Requested.Count > 0);

    /// <summary>
    /// For each allocator, the series of its first ok repetition at <paramref name="threads"/> (the most threads when
    /// null) in the benchmark's first configuration, in MiB. Null when no such trial has a series.
    /// </summary>
    public static MemoryOverTimeData? From(RunData run, string benchmark = "memory", int? threads = null)
    {
        ArgumentNullException.ThrowIfNull(run);
        List<ResultRow> rows = [.. run.Of(benchmark)];
        if (rows.Count == 0)
        {
            return null;
        }
        int t = threads ?? rows.Max(r => r.Threads);
        string configuration = RunData.ConfigurationOf(rows[0]);
        List<MemoryTrace> traces = [];
        foreach (string allocator in AllocatorColors.InCatalogueOrder(rows.Select(r => r.Allocator)))
        {
            ResultRow? row = rows.Where(r => r.Allocator == allocator && r.Threads == t && RunData.ConfigurationOf(r) == configuration)
                .OrderBy(r => r.Repetition).FirstOrDefault();
            if (row is null)
            {
                continue;
            }
            List<SeriesLine> samples = [.. run.Series(row).OrderBy(s => s.Seconds)];
            if (samples.Count == 0)
            {
                continue;
            }
            traces.Add(new MemoryTrace(
                allocator,
                [.. samples.Select(s => new MemorySample(s.Seconds, s.RssKib / 1024.0))],
                [.. samples.Where(s => s.RequestedBytes >= 0 && s.Source == "workload").Select(s => new MemorySample(s.Seconds, s.RequestedBytes / 1048576.0))]));
        }
        return traces.Count == 0 ? null : new MemoryOverTimeData(benchmark, t, traces);
    }
}
