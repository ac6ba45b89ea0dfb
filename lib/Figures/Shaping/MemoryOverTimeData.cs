using Workbench.Benchmarks.Results;

namespace Workbench.Figures.Shaping;

/// <summary>
/// What the memory-over-time figure draws: one panel per allocator, in each every repetition of its trial at one
/// thread count and configuration, the allocator's memory over the runtime's baseline (brk heap and mmap, or the RSS
/// where those were not measured) beside the bytes requested.
/// </summary>
/// <param name="Benchmark">The benchmark.</param>
/// <param name="Threads">The thread count of the trials drawn.</param>
/// <param name="Configuration">The configuration drawn (sizes and knobs, <see cref="RunData.ConfigurationOf"/>).</param>
/// <param name="NormalizedTime">Whether time is the fraction of each trial's run (0 to 1) rather than seconds.</param>
/// <param name="Panels">The allocators whose trials have a series, in catalogue order.</param>
public sealed record MemoryOverTimeData(string Benchmark, int Threads, string Configuration, bool NormalizedTime, IReadOnlyList<MemoryPanel> Panels)
{
    /// <summary>Whether any trial counted the bytes its workload requested.</summary>
    public bool HasRequested => Traces.Any(t => t.Requested.Count > 0);

    /// <summary>Whether any trial split its memory into heap and mmap.</summary>
    public bool HasSplit => Traces.Any(t => t.Heap.Count > 0);

    /// <summary>The number of repetitions drawn (the most of any allocator).</summary>
    public int Repetitions => Panels.Max(p => p.Repetitions.Count);

    private IEnumerable<MemoryTrace> Traces => Panels.SelectMany(p => p.Repetitions);

    /// <summary>The configurations of a benchmark's ok rows, in the order they first appear (each one figure).</summary>
    public static IReadOnlyList<string> Configurations(RunData run, string benchmark)
    {
        ArgumentNullException.ThrowIfNull(run);
        return [.. run.Of(benchmark).Select(RunData.ConfigurationOf).Distinct(StringComparer.Ordinal)];
    }

    /// <summary>
    /// Every ok repetition of each allocator (of <paramref name="allocators"/> when given) at <paramref name="threads"/>
    /// (the most threads when null) in <paramref name="configuration"/> (the benchmark's first when null), in MiB over
    /// the baseline. Null when no such trial has a series.
    /// </summary>
    public static MemoryOverTimeData? From(RunData run, string benchmark = "memory", int? threads = null, string? configuration = null,
        bool normalizedTime = false, IReadOnlyCollection<string>? allocators = null)
    {
        ArgumentNullException.ThrowIfNull(run);
        List<ResultRow> rows = [.. run.Of(benchmark)];
        if (rows.Count == 0)
        {
            return null;
        }
        configuration ??= RunData.ConfigurationOf(rows[0]);
        rows = [.. rows.Where(r => RunData.ConfigurationOf(r) == configuration && (allocators is null || allocators.Contains(r.Allocator)))];
        if (rows.Count == 0)
        {
            return null;
        }
        int t = threads ?? rows.Max(r => r.Threads);
        List<MemoryPanel> panels = [];
        foreach (string allocator in AllocatorColors.InCatalogueOrder(rows.Select(r => r.Allocator)))
        {
            List<MemoryTrace> repetitions = [.. rows.Where(r => r.Allocator == allocator && r.Threads == t).OrderBy(r => r.Repetition)
                .Select(r => Trace(r.Repetition, run.Series(r), normalizedTime)).OfType<MemoryTrace>()];
            if (repetitions.Count > 0)
            {
                panels.Add(new MemoryPanel(allocator, repetitions));
            }
        }
        return panels.Count == 0 ? null : new MemoryOverTimeData(benchmark, t, configuration, normalizedTime, panels);
    }

    /// <summary>
    /// One trial's lines: the workload's own samples where it took any (the sampler's only where it took none), heap and
    /// mmap as stored (already over the baseline), the RSS minus the first sample's where they are not there.
    /// </summary>
    private static MemoryTrace? Trace(int repetition, IReadOnlyList<SeriesLine> series, bool normalizedTime)
    {
        List<SeriesLine> samples = [.. series.Where(s => s.Source == "workload").OrderBy(s => s.Seconds)];
        if (samples.Count == 0)
        {
            samples = [.. series.OrderBy(s => s.Seconds)];
        }
        if (samples.Count == 0)
        {
            return null;
        }
        double end = samples[^1].Seconds;
        double X(SeriesLine s) => normalizedTime ? (end > 0 ? s.Seconds / end : 0) : s.Seconds;
        bool split = samples.All(s => s.HeapKib is not null && s.MmapKib is not null);
        long rss0 = samples[0].RssKib;
        return new MemoryTrace(
            repetition,
            split ? [.. samples.Select(s => new MemorySample(X(s), s.HeapKib!.Value / 1024.0))] : [],
            split ? [.. samples.Select(s => new MemorySample(X(s), s.MmapKib!.Value / 1024.0))] : [],
            [.. samples.Where(s => s.RequestedBytes >= 0 && s.Source == "workload").Select(s => new MemorySample(X(s), s.RequestedBytes / 1048576.0))],
            split ? [] : [.. samples.Select(s => new MemorySample(X(s), (s.RssKib - rss0) / 1024.0))]);
    }
}
