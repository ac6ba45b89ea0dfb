using Workbench.Benchmarks.Analysis;
using Workbench.Benchmarks.Results;

namespace Workbench.Figures.Shaping;

/// <summary>What the false-sharing figure draws: per allocator, the speed-up over one thread at each thread count.</summary>
/// <param name="Benchmark">The benchmark (cache-thrash or cache-scratch).</param>
/// <param name="Threads">Every thread count of the configuration, ascending, starting at 1.</param>
/// <param name="Allocators">Every allocator that ran the configuration, in catalogue order, including any without a speed-up.</param>
/// <param name="Series">The allocators with an elapsed time at one thread, in catalogue order; a point per thread count with an elapsed time.</param>
public sealed record FalseSharingSpeedupData(
    string Benchmark,
    IReadOnlyList<int> Threads,
    IReadOnlyList<string> Allocators,
    IReadOnlyList<AllocatorSeries<SpeedupPoint>> Series)
{
    /// <summary>
    /// elapsed(1) / elapsed(P) of one configuration of the benchmark (its first unless <paramref name="configuration"/> names another), the ratio of the mean elapsed times with its 95%
    /// interval (Welch). Null when the run lacks the benchmark, has no trials at 1 thread and at more, or no allocator
    /// has an elapsed time at 1 thread.
    /// </summary>
    public static FalseSharingSpeedupData? From(RunData run, string benchmark = "cache-thrash", string? configuration = null)
    {
        ArgumentNullException.ThrowIfNull(run);
        List<ResultRow> rows = [.. run.Of(benchmark)];
        if (rows.Count == 0)
        {
            return null;
        }
        configuration ??= RunData.ConfigurationOf(rows[0]);
        rows = [.. rows.Where(r => RunData.ConfigurationOf(r) == configuration)];
        List<int> threadCounts = [.. rows.Select(r => r.Threads).Distinct().Order()];
        if (threadCounts.Count < 2 || threadCounts[0] != 1)
        {
            return null;
        }
        List<string> allocators = [.. AllocatorColors.InCatalogueOrder(rows.Select(r => r.Allocator))];
        List<AllocatorSeries<SpeedupPoint>> series = [];
        foreach (string allocator in allocators)
        {
            List<double> one = FiniteValues.Of(rows.Where(r => r.Allocator == allocator && r.Threads == 1), "elapsed_s");
            if (one.Count == 0)
            {
                continue;
            }
            List<SpeedupPoint> points = [];
            foreach (int p in threadCounts)
            {
                List<double> many = FiniteValues.Of(rows.Where(r => r.Allocator == allocator && r.Threads == p), "elapsed_s");
                if (many.Count > 0)
                {
                    // At one thread the speed-up is 1 by definition (the same sample on both sides): no interval.
                    points.Add(new SpeedupPoint(p, p == 1 ? new Comparison(1, 1, 1, double.NaN, double.NaN, double.NaN) : Comparison.Of(one, many)));
                }
            }
            series.Add(new AllocatorSeries<SpeedupPoint>(allocator, points));
        }
        return series.Count == 0 ? null : new FalseSharingSpeedupData(benchmark, threadCounts, allocators, series);
    }
}
