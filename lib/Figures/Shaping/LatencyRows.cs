using Workbench.Benchmarks.Analysis;
using Workbench.Benchmarks.Model;
using Workbench.Benchmarks.Results;

namespace Workbench.Figures.Shaping;

/// <summary>
/// What a latency figure reads: the rows of the latency benchmark at one thread count and one configuration, each
/// trial's stored histogram of an operation (<see cref="RunData.Latency"/>), or, for a run written before histograms
/// were stored, the percentile columns each row holds per operation (<c>malloc_p99_ns</c> and so on); and the clock's floor.
/// </summary>
internal static class LatencyRows
{
    /// <summary>The column suffixes of the recorded percentiles, lowest first, then the maximum.</summary>
    internal static readonly string[] Columns = ["p50", "p90", "p99", "p999", "max"];

    /// <summary>How each column is labelled on an axis.</summary>
    internal static readonly string[] Labels = ["p50", "p90", "p99", "p99.9", "max"];

    /// <summary>The fraction of calls at or below each percentile column (the maximum has none).</summary>
    internal static readonly double[] Fractions = [0.5, 0.9, 0.99, 0.999];

    /// <summary>The percentiles read from a histogram, with their labels: those of the columns and p99.99.</summary>
    internal static readonly (string Label, double Percent)[] HistogramPercentiles =
        [("p50", 50), ("p90", 90), ("p99", 99), ("p99.9", 99.9), ("p99.99", 99.99)];

    /// <summary>The column of one operation's percentile (an entry of <see cref="Columns"/>).</summary>
    internal static string Column(string operation, string percentile) => $"{operation}_{percentile}_ns";

    /// <summary>
    /// The latency rows at <paramref name="threads"/> (the fewest threads when null) of one configuration (the
    /// benchmark's first unless <paramref name="configuration"/> names another), the thread count chosen (0 when the
    /// run has no latency rows) and the configuration.
    /// </summary>
    internal static (List<ResultRow> Rows, int Threads, string Configuration) Select(RunData run, int? threads, string? configuration = null)
    {
        List<ResultRow> rows = [.. run.Of("latency")];
        if (rows.Count == 0)
        {
            return (rows, 0, "");
        }
        int chosen = threads ?? rows.Min(r => r.Threads);
        configuration ??= RunData.ConfigurationOf(rows[0]);
        return ([.. rows.Where(r => r.Threads == chosen && RunData.ConfigurationOf(r) == configuration)], chosen, configuration);
    }

    /// <summary>Each row's stored histogram of <paramref name="operation"/>, for the rows that have one.</summary>
    internal static List<LatencyBuckets> Histograms(RunData run, IEnumerable<ResultRow> rows, string operation) =>
        [.. rows.SelectMany(r => run.Latency(r).Where(h => h.Operation == operation && h.Count > 0))];

    /// <summary>
    /// The clock's floor: the median over the rows of <c>clock_ns</c>, what two back-to-back clock reads cost, which
    /// every timed call includes (no latency below it can be measured); NaN when the rows do not record it.
    /// </summary>
    internal static double ClockFloorNs(IEnumerable<ResultRow> rows)
    {
        List<double> clock = FiniteValues.Of(rows, "clock_ns");
        return clock.Count > 0 ? Describe.Quantile(clock, 0.5) : double.NaN;
    }
}
