using Workbench.Benchmarks.Analysis;
using Workbench.Benchmarks.Results;

namespace Workbench.Figures.Shaping;

/// <summary>What the latency tail figure draws: per allocator, the fraction of calls slower than each measured latency.</summary>
/// <param name="Operation">The operation (<c>malloc</c> or <c>free</c>).</param>
/// <param name="Threads">The thread count drawn.</param>
/// <param name="Series">The allocators with a point, in catalogue order; each one's points from p50 down to the maximum.</param>
public sealed record LatencyCdfData(string Operation, int Threads, IReadOnlyList<AllocatorSeries<TailPoint>> Series)
{
    /// <summary>
    /// The tail distribution through the measured percentiles: the median over the repetitions of p50, p90, p99 and
    /// p99.9 at 1 - that fraction, then the median maximum at one call in the median number of operations. Rows as
    /// <see cref="LatencyPercentilesData.From"/> reads them; null when no allocator has a point.
    /// </summary>
    public static LatencyCdfData? From(RunData run, string operation = "malloc", int? threads = null)
    {
        ArgumentNullException.ThrowIfNull(run);
        (List<ResultRow> rows, int t) = LatencyRows.Select(run, threads);
        List<AllocatorSeries<TailPoint>> series = [];
        foreach (string allocator in AllocatorColors.InCatalogueOrder(rows.Select(r => r.Allocator)))
        {
            List<ResultRow> mine = [.. rows.Where(r => r.Allocator == allocator)];
            List<TailPoint> points = [];
            for (int i = 0; i < LatencyRows.Fractions.Length; i++)
            {
                List<double> values = FiniteValues.Of(mine, LatencyRows.Column(operation, LatencyRows.Columns[i]));
                if (values.Count > 0)
                {
                    points.Add(new TailPoint(Describe.Quantile(values, 0.5), 1 - LatencyRows.Fractions[i]));
                }
            }
            List<double> max = FiniteValues.Of(mine, LatencyRows.Column(operation, "max"));
            List<double> ops = FiniteValues.Of(mine, "ops");
            if (max.Count > 0 && ops.Count > 0)
            {
                points.Add(new TailPoint(Describe.Quantile(max, 0.5), 1 / Describe.Quantile(ops, 0.5)));
            }
            if (points.Count > 0)
            {
                series.Add(new AllocatorSeries<TailPoint>(allocator, points));
            }
        }
        return series.Count == 0 ? null : new LatencyCdfData(operation, t, series);
    }
}
