using Workbench.Figures.Plotting;
using Workbench.Figures.Shaping;

namespace Workbench.Figures;

/// <summary>
/// Every chart type of the workbench, built from result rows. Each takes a run (rows and series), draws one
/// trace per allocator in that allocator's colour (<see cref="AllocatorColors"/>), titles both axes with
/// units, says above the plot how many repetitions each point stands on (<see cref="RepetitionNote"/>), and returns a
/// <see cref="Figure"/> (null when the run has nothing to draw for it). A baseline, benchmark, allocator, operation, thread
/// count or configuration that the run does not hold throws a <see cref="ChartInputException"/> whose one-line message
/// lists the values it holds. Sized for a screen; <see cref="Figure.Sized"/> fits a figure to a paper's column or text
/// width or to a slide. Each chart's numbers come
/// from its record in <see cref="Shaping"/> (callable alone, without Plotly), drawn by its class in <see cref="Plotting"/>.
/// </summary>
public static class Charts
{
    /// <summary>Default static size (CSS pixels): fits a two-column paper's full width at scale 2.</summary>
    public const int Width = Style.Width;

    /// <summary>Default static height.</summary>
    public const int Height = Style.Height;

    /// <summary>
    /// Throughput (or time per operation) against threads, one line per allocator, with 95% confidence bars
    /// (Student t over the repetitions). Rows of one configuration (sizes and knobs) are drawn: the first one
    /// of the benchmark unless <paramref name="configuration"/> names another (see <see cref="RunData.ConfigurationOf"/>).
    /// </summary>
    public static Figure? ThreadScaling(RunData run, string benchmark, Measure measure = Measure.Throughput, string? configuration = null) =>
        Checked(run, benchmark, configuration) ?? RepetitionNote.Add(ThreadScalingData.From(run, benchmark, measure, configuration) is { } data ? ThreadScalingChart.Draw(data) : null,
            Configured(run, benchmark, configuration));

    /// <summary>
    /// One bar per benchmark configuration: <paramref name="subject"/>'s time per operation relative to the best native
    /// peer of that configuration (the lowest median; its name is in the bar's label), the ratio paired by repetition
    /// with its 95% interval, as <c>workbench report --versus-best</c> computes it. A dashed line marks 1: the performance
    /// targets ("cfa time &lt;= 0.8 x the best peer") read off this figure. Null when no configuration has the subject
    /// and a native peer.
    /// </summary>
    public static Figure? VersusBestPeer(RunData run, string subject = "cfa")
    {
        ArgumentNullException.ThrowIfNull(run);
        ChartArguments.Allocator(run, subject, "subject");
        return RepetitionNote.Add(VersusBestPeerData.From(run, subject) is { } data ? VersusBestPeerChart.Draw(data) : null, run.Ok);
    }

    /// <summary>
    /// Grouped bars, one group per benchmark configuration, one bar per allocator: time per operation (or another
    /// column, <paramref name="metric"/>, such as <c>peak_rss_kib</c>) relative to <paramref name="baseline"/>'s (lower
    /// is better) with the ratio's 95% interval, paired by repetition where the repetitions pair up, as
    /// <c>workbench report --detailed</c> computes it. A dashed line marks 1 (the baseline).
    /// </summary>
    public static Figure? RelativeToBaseline(RunData run, string baseline = "glibc", int? threads = null, string metric = "ns_per_op")
    {
        ArgumentNullException.ThrowIfNull(run);
        ChartArguments.Allocator(run, baseline, "baseline");
        ChartArguments.Threads(run, threads);
        ChartArguments.Metric(run, metric);
        return RepetitionNote.Add(RelativeToBaselineData.From(run, baseline, threads, metric) is { } data ? RelativeToBaselineChart.Draw(data) : null,
            run.Ok.Where(r => threads is null || r.Threads == threads));
    }

    /// <summary>
    /// Box plots of the repetitions of one benchmark (time per operation), one box per allocator and thread
    /// count, every repetition drawn as a point beside its box: the noise of the measurement. One configuration: the
    /// benchmark's first unless <paramref name="configuration"/> names another (<see cref="RunData.Configurations"/>).
    /// </summary>
    public static Figure? Repetitions(RunData run, string benchmark, string? configuration = null)
    {
        ArgumentNullException.ThrowIfNull(run);
        ChartArguments.Benchmark(run, benchmark);
        ChartArguments.Configuration(run, benchmark, configuration);
        return RepetitionNote.Add(RepetitionsData.From(run, benchmark, configuration) is { } data ? RepetitionsChart.Draw(data) : null,
            Configured(run, benchmark, configuration));
    }

    /// <summary>
    /// Memory over time of one benchmark's trials, one panel per allocator (of <paramref name="allocators"/> when given):
    /// every ok repetition at <paramref name="threads"/> (default the most threads) in <paramref name="configuration"/>
    /// (default the first; <see cref="MemoryOverTimeData.Configurations"/> lists them), the allocator's brk heap and mmap
    /// memory over the runtime's baseline beside the bytes requested and not yet freed (the RSS over the baseline where
    /// heap and mmap were not measured), MiB against seconds or, with <paramref name="normalizedTime"/>, the fraction of
    /// each trial's run.
    /// </summary>
    public static Figure? MemoryOverTime(RunData run, string benchmark = "memory", int? threads = null, string? configuration = null,
        bool normalizedTime = false, IReadOnlyCollection<string>? allocators = null) =>
        Checked(run, benchmark, configuration, threads) ?? RepetitionNote.Add(
            MemoryOverTimeData.From(run, benchmark, threads, configuration, normalizedTime, allocators) is { } data ? MemoryOverTimeChart.Draw(data) : null,
            Configured(run, benchmark, configuration));

    /// <summary>
    /// Latency percentiles (p50, p90, p99, p99.9, p99.99, max) of one operation (<c>malloc</c> or <c>free</c>) of the
    /// latency benchmark on a log axis, one line per allocator: each repetition's percentiles read from its stored
    /// histogram, the median over the repetitions, bars from the smallest to the largest repetition; a dotted line marks
    /// the clock's floor. At <paramref name="threads"/> (the fewest when null) and one configuration (the first when null).
    /// </summary>
    public static Figure? LatencyPercentiles(RunData run, string operation = "malloc", int? threads = null, string? configuration = null)
    {
        CheckLatency(run, operation, threads, configuration);
        return RepetitionNote.Add(LatencyPercentilesData.From(run, operation, threads, configuration) is { } data ? LatencyPercentilesChart.Draw(data) : null,
            LatencyRowsOf(run, threads, configuration));
    }

    /// <summary>
    /// The latency distribution of one operation as a tail CDF on log-log axes: for each latency x, the
    /// fraction of calls slower than x (1 - CDF), read bucket by bucket from the stored histograms (the repetitions
    /// pooled) down to the maximum (one call in all of them), with the clock's floor as a dotted line. Steeper and further
    /// left is better. Threads and configuration as <see cref="LatencyPercentiles"/>.
    /// </summary>
    public static Figure? LatencyCdf(RunData run, string operation = "malloc", int? threads = null, string? configuration = null)
    {
        CheckLatency(run, operation, threads, configuration);
        return RepetitionNote.Add(LatencyCdfData.From(run, operation, threads, configuration) is { } data ? LatencyCdfChart.Draw(data) : null,
            LatencyRowsOf(run, threads, configuration));
    }

    /// <summary>
    /// A heatmap of size distribution x threads for one allocator of one benchmark: each cell is the mean time
    /// per operation, or, with a <paramref name="baseline"/> that ran the same cells, the ratio to the
    /// baseline's (below 1: faster). The value is written in each cell. Null unless the benchmark ran two or more size
    /// distributions at two or more thread counts: a single row or column is a bar chart, which the relative chart draws.
    /// </summary>
    public static Figure? SizeThreadsHeatmap(RunData run, string benchmark, string allocator, string? baseline = null)
    {
        ArgumentNullException.ThrowIfNull(run);
        ChartArguments.Benchmark(run, benchmark);
        ChartArguments.Allocator(run, allocator);
        if (baseline is not null)
        {
            ChartArguments.Allocator(run, baseline, "baseline");
        }
        return RepetitionNote.Add(SizeThreadsHeatmapData.From(run, benchmark, allocator, baseline) is { Sizes.Count: > 1, Threads.Count: > 1 } data
                ? SizeThreadsHeatmapChart.Draw(data)
                : null,
            run.Of(benchmark).Where(r => r.Allocator == allocator || r.Allocator == baseline));
    }

    /// <summary>
    /// False sharing (cache-thrash or cache-scratch): speed-up over one thread, elapsed(1) / elapsed(P), one
    /// line per allocator with the ratio's 95% interval, against the ideal P-fold line (the work is split
    /// among the threads, so an allocator that causes no false sharing scales P-fold on P idle cores). One configuration:
    /// the benchmark's first unless <paramref name="configuration"/> names another.
    /// </summary>
    public static Figure? FalseSharingSpeedup(RunData run, string benchmark = "cache-thrash", string? configuration = null)
    {
        ArgumentNullException.ThrowIfNull(run);
        ChartArguments.Benchmark(run, benchmark);
        ChartArguments.Configuration(run, benchmark, configuration);
        return RepetitionNote.Add(FalseSharingSpeedupData.From(run, benchmark, configuration) is { } data ? FalseSharingSpeedupChart.Draw(data) : null,
            Configured(run, benchmark, configuration));
    }

    /// <summary>
    /// The <c>speed</c> benchmark: nanoseconds per call of each routine (malloc+free, batches, calloc+free,
    /// realloc growing and shrinking, aligned allocation+free), grouped bars per routine, one bar per allocator:
    /// the median over the repetitions, bars from the smallest to the largest repetition.
    /// </summary>
    public static Figure? SpeedRoutines(RunData run, int? threads = null) =>
        Checked(run, "speed", null, threads) ?? RepetitionNote.Add(SpeedRoutinesData.From(run, threads) is { } data ? SpeedRoutinesChart.Draw(data) : null,
            Configured(run, "speed", null).Where(r => threads is null || r.Threads == threads));

    /// <summary>
    /// The thesis's speed figure: one panel per size (each size of the run's <c>min_size..max_size</c> range, or each
    /// size spec), grouped bars per routine alone, chain and the tight malloc-write-free pair, one bar per allocator:
    /// the median over the repetitions, bars from the smallest to the largest.
    /// </summary>
    public static Figure? SpeedChains(RunData run, int? threads = null) =>
        Checked(run, "speed", null, threads) ?? RepetitionNote.Add(SpeedChainsData.From(run, threads) is { } data ? SpeedChainsChart.Draw(data) : null,
            Configured(run, "speed", null).Where(r => threads is null || r.Threads == threads));

    /// <summary>
    /// Throws a <see cref="ChartInputException"/> unless the run has the benchmark, and the configuration and thread count
    /// when given; returns null (so that a chart's body follows <c>??</c>).
    /// </summary>
    private static Figure? Checked(RunData run, string benchmark, string? configuration, int? threads = null)
    {
        ArgumentNullException.ThrowIfNull(run);
        ChartArguments.Benchmark(run, benchmark);
        ChartArguments.Configuration(run, benchmark, configuration);
        ChartArguments.Threads(run, threads, benchmark);
        return null;
    }

    /// <summary>The rows of one configuration of a benchmark (its first when null): what a one-configuration chart draws.</summary>
    private static IEnumerable<Workbench.Benchmarks.Results.ResultRow> Configured(RunData run, string benchmark, string? configuration)
    {
        IReadOnlyList<Workbench.Benchmarks.Results.ResultRow> rows = run.Of(benchmark);
        string? chosen = configuration ?? (rows.Count > 0 ? RunData.ConfigurationOf(rows[0]) : null);
        return rows.Where(r => RunData.ConfigurationOf(r) == chosen);
    }

    private static void CheckLatency(RunData run, string operation, int? threads, string? configuration)
    {
        ArgumentNullException.ThrowIfNull(run);
        ChartArguments.Benchmark(run, "latency");
        ChartArguments.Operation(run, operation);
        ChartArguments.Threads(run, threads, "latency");
        ChartArguments.Configuration(run, "latency", configuration);
    }

    private static IEnumerable<Workbench.Benchmarks.Results.ResultRow> LatencyRowsOf(RunData run, int? threads, string? configuration)
    {
        int? chosen = threads ?? (run.Of("latency").Count > 0 ? run.Of("latency").Min(r => r.Threads) : null);
        return Configured(run, "latency", configuration).Where(r => r.Threads == chosen);
    }
}
