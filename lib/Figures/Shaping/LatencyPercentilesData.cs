using Workbench.Benchmarks.Results;

namespace Workbench.Figures.Shaping;

/// <summary>What the latency-percentiles figure draws: per allocator, each recorded percentile of one operation.</summary>
/// <param name="Operation">The operation (<c>malloc</c> or <c>free</c>).</param>
/// <param name="Threads">The thread count drawn.</param>
/// <param name="Series">The allocators with a percentile, in catalogue order; each one's percentiles (p50, p90, p99,
/// p99.9, max, those recorded) as the median over the repetitions with their range.</param>
public sealed record LatencyPercentilesData(string Operation, int Threads, IReadOnlyList<AllocatorSeries<MedianRange>> Series)
{
    /// <summary>
    /// The latency rows at <paramref name="threads"/> (the fewest threads when null) of the first configuration.
    /// Null when no allocator recorded a percentile of <paramref name="operation"/> there.
    /// </summary>
    public static LatencyPercentilesData? From(RunData run, string operation = "malloc", int? threads = null)
    {
        ArgumentNullException.ThrowIfNull(run);
        (List<ResultRow> rows, int t) = LatencyRows.Select(run, threads);
        List<AllocatorSeries<MedianRange>> series = [];
        foreach (string allocator in AllocatorColors.InCatalogueOrder(rows.Select(r => r.Allocator)))
        {
            List<ResultRow> mine = [.. rows.Where(r => r.Allocator == allocator)];
            List<MedianRange> percentiles = [];
            for (int i = 0; i < LatencyRows.Columns.Length; i++)
            {
                List<double> values = FiniteValues.Of(mine, LatencyRows.Column(operation, LatencyRows.Columns[i]));
                if (values.Count > 0)
                {
                    percentiles.Add(MedianRange.Of(LatencyRows.Labels[i], values));
                }
            }
            if (percentiles.Count > 0)
            {
                series.Add(new AllocatorSeries<MedianRange>(allocator, percentiles));
            }
        }
        return series.Count == 0 ? null : new LatencyPercentilesData(operation, t, series);
    }
}
