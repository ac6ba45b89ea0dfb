using Workbench.Benchmarks.Analysis;
using Workbench.Benchmarks.Results;

namespace Workbench.Figures.Shaping;

/// <summary>What a thread-scaling figure draws: per allocator, the mean and interval of a measure at each thread count.</summary>
/// <param name="Benchmark">The benchmark.</param>
/// <param name="Measure">What is drawn, in million operations per second or nanoseconds per operation.</param>
/// <param name="Configuration">The configuration drawn (sizes and knobs, <see cref="RunData.ConfigurationOf"/>).</param>
/// <param name="Allocators">Every allocator that ran the configuration, in catalogue order, including any without a value.</param>
/// <param name="Threads">Every thread count of the configuration, ascending.</param>
/// <param name="Series">The allocators with values, in catalogue order.</param>
public sealed record ThreadScalingData(
    string Benchmark,
    Measure Measure,
    string Configuration,
    IReadOnlyList<string> Allocators,
    IReadOnlyList<int> Threads,
    IReadOnlyList<AllocatorSeries<ThreadScalingPoint>> Series)
{
    /// <summary>
    /// The rows of one configuration of <paramref name="benchmark"/> (its first one unless <paramref name="configuration"/>
    /// names another), grouped by allocator and thread count. Null when no allocator has a value of the measure there.
    /// </summary>
    public static ThreadScalingData? From(RunData run, string benchmark, Measure measure = Measure.Throughput, string? configuration = null)
    {
        ArgumentNullException.ThrowIfNull(run);
        List<ResultRow> rows = [.. run.Of(benchmark)];
        if (rows.Count == 0)
        {
            return null;
        }
        configuration ??= RunData.ConfigurationOf(rows[0]);
        rows = [.. rows.Where(r => RunData.ConfigurationOf(r) == configuration)];
        string column = measure == Measure.Throughput ? "ops_per_s" : "ns_per_op";
        double scale = measure == Measure.Throughput ? 1e-6 : 1;
        List<string> allocators = [.. AllocatorColors.InCatalogueOrder(rows.Select(r => r.Allocator))];
        List<AllocatorSeries<ThreadScalingPoint>> series = [];
        foreach (string allocator in allocators)
        {
            List<ThreadScalingPoint> points = [.. rows.Where(r => r.Allocator == allocator)
                .GroupBy(r => r.Threads).OrderBy(g => g.Key)
                .Select(g => (Threads: g.Key, Values: FiniteValues.Of(g, column, scale)))
                .Where(p => p.Values.Count > 0)
                .Select(p => new ThreadScalingPoint(p.Threads, Describe.Sample(p.Values)))];
            if (points.Count > 0)
            {
                series.Add(new AllocatorSeries<ThreadScalingPoint>(allocator, points));
            }
        }
        if (series.Count == 0)
        {
            return null;
        }
        return new ThreadScalingData(benchmark, measure, configuration, allocators, [.. rows.Select(r => r.Threads).Distinct().Order()], series);
    }
}
