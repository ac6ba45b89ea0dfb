using Workbench.Benchmarks.Results;

namespace Workbench.Benchmarks.Analysis;

/// <summary>
/// One allocator in one benchmark configuration at <paramref name="Threads"/> threads against itself at 1 thread, in
/// time per operation per thread: the row's ns per operation times its thread count (a row's operations are those of
/// all its threads, whether each thread repeats the work, as in churn, or the threads split it, as in cache-thrash).
/// 1 is perfect scaling; above 1 each thread is slower with company (contention, false sharing, or a machine whose
/// cores are not all as fast as the one the 1-thread trial ran on).
/// </summary>
/// <param name="Benchmark">The benchmark.</param>
/// <param name="Allocator">The allocator.</param>
/// <param name="Sizes">The size specification (the knobs, which are the same at both thread counts, are left out).</param>
/// <param name="Threads">The thread count compared with 1.</param>
/// <param name="OneThreadMedian">Median ns per operation at 1 thread.</param>
/// <param name="PerThreadMedian">Median ns per operation per thread at <paramref name="Threads"/> threads.</param>
/// <param name="Versus">Per-thread time at <paramref name="Threads"/> over time at 1 thread: paired by repetition when
/// the repetitions pair up (a sweep runs them in the same pass), else Welch's ratio of means.</param>
public sealed record ScalingLine(
    string Benchmark,
    string Allocator,
    string Sizes,
    int Threads,
    double OneThreadMedian,
    double PerThreadMedian,
    Comparison? Versus)
{
    /// <summary>The ratio of the medians, per-thread time at <see cref="Threads"/> over time at 1 thread.</summary>
    public double MedianRatio => PerThreadMedian / OneThreadMedian;
}

/// <summary>
/// How each allocator's time per operation per thread changes from 1 thread to more, as issue 6's false-sharing
/// target is stated ("2-thread time per thread within 10% of 1-thread") and the thesis's scalability figures read.
/// </summary>
public static class ThreadScaling
{
    /// <summary>
    /// One line per benchmark, allocator, sizes and knobs, and thread count above 1, where both that thread count and
    /// 1 thread have ok values of ns per operation; in the run's benchmark order, then in the catalogue's order of allocators.
    /// </summary>
    public static List<ScalingLine> Build(IReadOnlyList<ResultRow> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        const string Metric = "ns_per_op";
        List<ScalingLine> lines = [];
        foreach (string benchmark in rows.Select(r => r.Benchmark).Distinct())
        {
            var ofBenchmark = rows.Where(r => r.Benchmark == benchmark)
                .GroupBy(r => (r.Allocator, Configuration: SummaryBuilder.SizesAndKnobsKey(r)))
                .OrderBy(g => SummaryBuilder.CatalogueOrder(g.Key.Allocator));
            foreach (var group in ofBenchmark)
            {
                List<ResultRow> one = [.. group.Where(r => r.Threads == 1)];
                List<double> oneValues = SummaryBuilder.OkValues(one, Metric);
                if (oneValues.Count == 0)
                {
                    continue;
                }
                foreach (int threads in group.Select(r => r.Threads).Where(t => t > 1).Distinct().Order())
                {
                    List<ResultRow> many = [.. group.Where(r => r.Threads == threads)];
                    List<double> perThread = [.. SummaryBuilder.OkValues(many, Metric).Select(v => v * threads)];
                    if (perThread.Count == 0)
                    {
                        continue;
                    }
                    lines.Add(new ScalingLine(
                        benchmark,
                        group.Key.Allocator,
                        group.First().Sizes,
                        threads,
                        Describe.Quantile(oneValues, 0.5),
                        Describe.Quantile(perThread, 0.5),
                        SummaryBuilder.Compare(many, one, Metric, scale: threads)));
                }
            }
        }
        return lines;
    }
}
