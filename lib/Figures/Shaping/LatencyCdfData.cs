using Workbench.Benchmarks.Analysis;
using Workbench.Benchmarks.Model;
using Workbench.Benchmarks.Results;

namespace Workbench.Figures.Shaping;

/// <summary>What the latency tail figure draws: per allocator, the fraction of calls slower than each latency.</summary>
/// <param name="Operation">The operation (<c>malloc</c> or <c>free</c>).</param>
/// <param name="Threads">The thread count drawn.</param>
/// <param name="Configuration">The configuration drawn (<see cref="RunData.ConfigurationOf"/>).</param>
/// <param name="ClockFloorNs">What two clock reads cost (the median <c>clock_ns</c>), the floor below which nothing is measured; NaN when not recorded.</param>
/// <param name="FromHistograms">Whether the curves are the stored histograms (else a step through the five percentile columns of an older run).</param>
/// <param name="Series">The allocators with a point, in catalogue order; each one's points in ascending latency, down to the maximum.</param>
public sealed record LatencyCdfData(string Operation, int Threads, string Configuration, double ClockFloorNs, bool FromHistograms,
    IReadOnlyList<AllocatorSeries<TailPoint>> Series)
{
    /// <summary>
    /// The tail distribution of each allocator: from the stored histograms, those of its repetitions pooled (every
    /// call of every repetition), a point per bucket at the fraction of calls above it, ending at the maximum at one call
    /// in all. A run that stored no histograms falls back to its percentile columns: the median over the repetitions of
    /// p50, p90, p99 and p99.9 at 1 - that fraction, then the median maximum at one call in the median number of
    /// operations. Rows as <see cref="LatencyPercentilesData.From"/> reads them; null when no allocator has a point.
    /// </summary>
    public static LatencyCdfData? From(RunData run, string operation = "malloc", int? threads = null, string? configuration = null)
    {
        ArgumentNullException.ThrowIfNull(run);
        (List<ResultRow> rows, int t, string chosen) = LatencyRows.Select(run, threads, configuration);
        bool fromHistograms = LatencyRows.Histograms(run, rows, operation).Count > 0;
        List<AllocatorSeries<TailPoint>> series = [];
        foreach (string allocator in AllocatorColors.InCatalogueOrder(rows.Select(r => r.Allocator)))
        {
            List<ResultRow> mine = [.. rows.Where(r => r.Allocator == allocator)];
            List<TailPoint> points = fromHistograms ? FromHistogramsOf(run, mine, operation) : FromColumns(mine, operation);
            if (points.Count > 0)
            {
                series.Add(new AllocatorSeries<TailPoint>(allocator, points));
            }
        }
        return series.Count == 0 ? null : new LatencyCdfData(operation, t, chosen, LatencyRows.ClockFloorNs(rows), fromHistograms, series);
    }

    private static List<TailPoint> FromHistogramsOf(RunData run, List<ResultRow> rows, string operation)
    {
        List<LatencyBuckets> histograms = LatencyRows.Histograms(run, rows, operation);
        return histograms.Count == 0 ? [] : [.. LatencyBuckets.Pool(histograms).Tail().Select(p => new TailPoint(p.LatencyNs, p.FractionSlower))];
    }

    private static List<TailPoint> FromColumns(List<ResultRow> rows, string operation)
    {
        List<TailPoint> points = [];
        for (int i = 0; i < LatencyRows.Fractions.Length; i++)
        {
            List<double> values = FiniteValues.Of(rows, LatencyRows.Column(operation, LatencyRows.Columns[i]));
            if (values.Count > 0)
            {
                points.Add(new TailPoint(Describe.Quantile(values, 0.5), 1 - LatencyRows.Fractions[i]));
            }
        }
        List<double> max = FiniteValues.Of(rows, LatencyRows.Column(operation, "max"));
        List<double> ops = FiniteValues.Of(rows, "ops");
        if (max.Count > 0 && ops.Count > 0)
        {
            points.Add(new TailPoint(Describe.Quantile(max, 0.5), 1 / Describe.Quantile(ops, 0.5)));
        }
        return points;
    }
}
