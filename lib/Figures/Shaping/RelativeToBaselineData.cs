using Workbench.Benchmarks.Analysis;
using Workbench.Benchmarks.Results;

namespace Workbench.Figures.Shaping;

/// <summary>What the relative-to-baseline figure draws: per allocator, one ratio to the baseline in each category.</summary>
/// <param name="Baseline">The allocator every ratio is taken against (it has no series of its own).</param>
/// <param name="Metric">The column compared (<c>ns_per_op</c>, <c>peak_rss_kib</c>, ...).</param>
/// <param name="Threads">The thread count the rows were limited to, or null for every thread count.</param>
/// <param name="Categories">One label per benchmark configuration that the baseline ran, in the order of the rows: the
/// benchmark, then the threads when it ran several, then the short configuration name when it ran several.</param>
/// <param name="Series">The other allocators with at least one ratio, in catalogue order; each bar's label is a category.</param>
public sealed record RelativeToBaselineData(
    string Baseline,
    string Metric,
    int? Threads,
    IReadOnlyList<string> Categories,
    IReadOnlyList<AllocatorSeries<RatioBar>> Series)
{
    /// <summary>
    /// Each allocator's <paramref name="metric"/> relative to <paramref name="baseline"/>'s, per benchmark configuration,
    /// paired by repetition where the repetitions pair up, as <c>workbench report --detailed</c> computes it. Null when
    /// the baseline ran nothing or no other allocator has a ratio.
    /// </summary>
    public static RelativeToBaselineData? From(RunData run, string baseline = "glibc", int? threads = null, string metric = "ns_per_op")
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(metric);
        List<ResultRow> rows = [.. run.Ok.Where(r => (threads is null || r.Threads == threads) && double.IsFinite(r.Number(metric)))];
        List<(string Label, List<ResultRow> Rows)> categories = Categorise(rows, baseline);
        if (categories.Count == 0)
        {
            return null;
        }
        List<AllocatorSeries<RatioBar>> series = [];
        foreach (string allocator in AllocatorColors.InCatalogueOrder(rows.Select(r => r.Allocator)).Where(a => a != baseline))
        {
            List<RatioBar> bars = [];
            foreach ((string label, List<ResultRow> categoryRows) in categories)
            {
                List<ResultRow> mine = [.. categoryRows.Where(r => r.Allocator == allocator)];
                List<ResultRow> theirs = [.. categoryRows.Where(r => r.Allocator == baseline)];
                if (SummaryBuilder.Compare(mine, theirs, metric) is { } comparison)
                {
                    bars.Add(new RatioBar(label, comparison));
                }
            }
            if (bars.Count > 0)
            {
                series.Add(new AllocatorSeries<RatioBar>(allocator, bars));
            }
        }
        if (series.Count == 0)
        {
            return null;
        }
        return new RelativeToBaselineData(baseline, metric, threads, [.. categories.Select(c => c.Label)], series);
    }

    /// <summary>The rows by benchmark, threads and configuration, keeping the groups the baseline ran, each with its label.</summary>
    private static List<(string Label, List<ResultRow> Rows)> Categorise(List<ResultRow> rows, string baseline) => [.. rows
        .GroupBy(r => (r.Benchmark, r.Threads, Config: RunData.ConfigurationOf(r)))
        .Where(g => g.Any(r => r.Allocator == baseline))
        .Select(g => (g.Key.Benchmark, g.Key.Threads, g.Key.Config, Rows: g.ToList()))
        .GroupBy(g => g.Benchmark)
        .SelectMany(byBenchmark =>
        {
            bool severalThreads = byBenchmark.Select(g => g.Threads).Distinct().Count() > 1;
            List<string> configs = [.. byBenchmark.Select(g => g.Config).Distinct()];
            IReadOnlyList<string> names = RunData.ShortConfigurationNames(configs);
            return byBenchmark.Select(g => (
                g.Benchmark + (severalThreads ? $" {g.Threads}t" : "") + (configs.Count > 1 ? $" {names[configs.IndexOf(g.Config)]}" : ""),
                g.Rows));
        })];
}
