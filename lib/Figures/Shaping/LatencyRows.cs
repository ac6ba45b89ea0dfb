using Workbench.Benchmarks.Results;

namespace Workbench.Figures.Shaping;

/// <summary>
/// What a latency figure reads: the rows of the latency benchmark at one thread count and its first configuration,
/// and the percentile columns each row holds per operation (<c>malloc_p99_ns</c> and so on).
/// </summary>
internal static class LatencyRows
{
    /// <summary>The column suffixes of the recorded percentiles, lowest first, then the maximum.</summary>
    internal static readonly string[] Columns = ["p50", "p90", "p99", "p999", "max"];

    /// <summary>How each column is labelled on an axis.</summary>
    internal static readonly string[] Labels = ["p50", "p90", "p99", "p99.9", "max"];

    /// <summary>The fraction of calls at or below each percentile column (the maximum has none).</summary>
    internal static readonly double[] Fractions = [0.5, 0.9, 0.99, 0.999];

    /// <summary>The column of one operation's percentile (an entry of <see cref="Columns"/>).</summary>
    internal static string Column(string operation, string percentile) => $"{operation}_{percentile}_ns";

    /// <summary>
    /// The latency rows at <paramref name="threads"/> (the fewest threads when null) of the benchmark's first
    /// configuration, and the thread count chosen (0 when the run has no latency rows).
    /// </summary>
    internal static (List<ResultRow> Rows, int Threads) Select(RunData run, int? threads)
    {
        List<ResultRow> rows = [.. run.Of("latency")];
        if (rows.Count == 0)
        {
            return (rows, 0);
        }
        int chosen = threads ?? rows.Min(r => r.Threads);
        string configuration = RunData.ConfigurationOf(rows[0]);
        return ([.. rows.Where(r => r.Threads == chosen && RunData.ConfigurationOf(r) == configuration)], chosen);
    }
}
