namespace Workbench.Benchmarks.Analysis;

/// <summary>One line of the summary table: one allocator on one configuration of one benchmark.</summary>
/// <param name="Benchmark">The benchmark.</param>
/// <param name="Configuration">Threads, sizes and knobs that differ from the benchmark's other rows.</param>
/// <param name="Threads">Threads.</param>
/// <param name="Allocator">The allocator.</param>
/// <param name="Time">ns per operation over the ok repetitions (null when none was ok).</param>
/// <param name="VersusBaseline">Compared with the baseline allocator (null for the baseline itself or without one).</param>
/// <param name="PeakRssKib">Median peak RSS of the ok repetitions.</param>
/// <param name="Failed">Repetitions that failed or timed out.</param>
/// <param name="Skipped">Repetitions skipped.</param>
/// <param name="Extra">A headline metric of the benchmark (e.g. malloc p99 for latency), already formatted; empty when none.</param>
public sealed record SummaryLine(
    string Benchmark,
    string Configuration,
    int Threads,
    string Allocator,
    SampleSummary? Time,
    Comparison? VersusBaseline,
    double PeakRssKib,
    int Failed,
    int Skipped,
    string Extra);
