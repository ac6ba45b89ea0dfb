namespace Workbench.Benchmarks.Results;

/// <summary>
/// The columns of <c>results.csv</c>: first the fixed ones (named as the issue and mimalloc-bench's
/// measurements need), then one per knob, then the run's bookkeeping, then one per further metric.
/// </summary>
public static class ResultColumns
{
    /// <summary>The leading columns that say which trial a row is and how it ended.</summary>
    public static IReadOnlyList<string> Identity { get; } = ["benchmark", "allocator", "threads", "sizes", "repetition", "status"];

    /// <summary>The fixed columns after <see cref="Identity"/>: what every trial measures (empty where it did not).</summary>
    public static IReadOnlyList<string> Measured { get; } =
        ["elapsed_s", "ops", "ns_per_op", "user_s", "sys_s", "peak_rss_kib", "page_faults", "page_reclaims"];

    /// <summary>The fixed leading columns, in order: <see cref="Identity"/>, then <see cref="Measured"/>.</summary>
    public static IReadOnlyList<string> Fixed { get; } = [.. Identity, .. Measured];

    /// <summary>The bookkeeping columns that follow the knobs.</summary>
    /// <remarks>
    /// <c>node</c> and <c>cpu_model</c> came later: a file without them still reads (the bookkeeping is found by its
    /// first and last column, which stay <c>ops_per_s</c> and <c>message</c>), and its rows have no value there.
    /// </remarks>
    public static IReadOnlyList<string> Bookkeeping { get; } = ["ops_per_s", "seed", "warmup", "isolated", "cpus", "node", "cpu_model", "finished_utc", "message"];

    /// <summary>A header from knob and metric names.</summary>
    public static List<string> Header(IEnumerable<string> knobs, IEnumerable<string> metrics)
    {
        List<string> header = [.. Fixed];
        header.AddRange(knobs.Distinct().Order(StringComparer.Ordinal));
        header.AddRange(Bookkeeping);
        header.AddRange(metrics.Distinct().Order(StringComparer.Ordinal));
        return header;
    }

    /// <summary>The knob columns of a header (between the fixed columns and the bookkeeping).</summary>
    public static IEnumerable<string> KnobsOf(IReadOnlyList<string> header)
    {
        ArgumentNullException.ThrowIfNull(header);
        int end = IndexOf(header, Bookkeeping[0]);
        return header.Take(end < 0 ? header.Count : end).Skip(Fixed.Count);
    }

    /// <summary>The metric columns of a header (after the bookkeeping).</summary>
    public static IEnumerable<string> MetricsOf(IReadOnlyList<string> header)
    {
        ArgumentNullException.ThrowIfNull(header);
        int start = IndexOf(header, Bookkeeping[^1]);
        return start < 0 ? [] : header.Skip(start + 1);
    }

    private static int IndexOf(IReadOnlyList<string> header, string name)
    {
        for (int i = 0; i < header.Count; i++)
        {
            if (header[i] == name)
            {
                return i;
            }
        }
        return -1;
    }
}
