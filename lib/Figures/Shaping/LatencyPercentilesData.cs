using Workbench.Benchmarks.Model;
using Workbench.Benchmarks.Results;

namespace Workbench.Figures.Shaping;

/// <summary>What the latency-percentiles figure draws: per allocator, each percentile of one operation.</summary>
/// <param name="Operation">The operation (<c>malloc</c> or <c>free</c>).</param>
/// <param name="Threads">The thread count drawn.</param>
/// <param name="Configuration">The configuration drawn (<see cref="RunData.ConfigurationOf"/>).</param>
/// <param name="ClockFloorNs">What two clock reads cost (the median <c>clock_ns</c>), the floor below which nothing is measured; NaN when not recorded.</param>
/// <param name="FromHistograms">Whether the percentiles were read from the stored histograms (else from the percentile columns of an older run).</param>
/// <param name="Series">The allocators with a percentile, in catalogue order; each one's percentiles (p50, p90, p99,
/// p99.9, p99.99 where a histogram gives it, max) as the median over the repetitions with their range.</param>
public sealed record LatencyPercentilesData(string Operation, int Threads, string Configuration, double ClockFloorNs, bool FromHistograms,
    IReadOnlyList<AllocatorSeries<MedianRange>> Series)
{
    /// <summary>
    /// The latency rows at <paramref name="threads"/> (the fewest threads when null) of one configuration (the first
    /// unless <paramref name="configuration"/> names another): each repetition's percentiles from its stored histogram,
    /// or from its percentile columns when the run stored none. Null when no allocator recorded a percentile of
    /// <paramref name="operation"/> there.
    /// </summary>
    public static LatencyPercentilesData? From(RunData run, string operation = "malloc", int? threads = null, string? configuration = null)
    {
        ArgumentNullException.ThrowIfNull(run);
        (List<ResultRow> rows, int t, string chosen) = LatencyRows.Select(run, threads, configuration);
        bool fromHistograms = LatencyRows.Histograms(run, rows, operation).Count > 0;
        List<AllocatorSeries<MedianRange>> series = [];
        foreach (string allocator in AllocatorColors.InCatalogueOrder(rows.Select(r => r.Allocator)))
        {
            List<ResultRow> mine = [.. rows.Where(r => r.Allocator == allocator)];
            List<MedianRange> percentiles = fromHistograms ? FromHistogramsOf(run, mine, operation) : FromColumns(mine, operation);
            if (percentiles.Count > 0)
            {
                series.Add(new AllocatorSeries<MedianRange>(allocator, percentiles));
            }
        }
        return series.Count == 0 ? null : new LatencyPercentilesData(operation, t, chosen, LatencyRows.ClockFloorNs(rows), fromHistograms, series);
    }

    /// <summary>Per repetition, the percentiles its histogram resolves (p99.99 only with 10,000 calls or more) and the maximum.</summary>
    private static List<MedianRange> FromHistogramsOf(RunData run, List<ResultRow> rows, string operation)
    {
        List<LatencyBuckets> histograms = LatencyRows.Histograms(run, rows, operation);
        List<MedianRange> percentiles = [];
        if (histograms.Count == 0)
        {
            return percentiles;
        }
        foreach ((string label, double percent) in LatencyRows.HistogramPercentiles)
        {
            List<LatencyBuckets> resolving = [.. histograms.Where(h => h.Count * (100 - percent) / 100 >= 1 - 1e-9)];
            if (resolving.Count > 0)
            {
                percentiles.Add(MedianRange.Of(label, [.. resolving.Select(h => h.PercentileNs(percent))]));
            }
        }
        percentiles.Add(MedianRange.Of("max", [.. histograms.Select(h => h.MaxNs)]));
        return percentiles;
    }

    private static List<MedianRange> FromColumns(List<ResultRow> rows, string operation)
    {
        List<MedianRange> percentiles = [];
        for (int i = 0; i < LatencyRows.Columns.Length; i++)
        {
            List<double> values = FiniteValues.Of(rows, LatencyRows.Column(operation, LatencyRows.Columns[i]));
            if (values.Count > 0)
            {
                percentiles.Add(MedianRange.Of(LatencyRows.Labels[i], values));
            }
        }
        return percentiles;
    }
}
