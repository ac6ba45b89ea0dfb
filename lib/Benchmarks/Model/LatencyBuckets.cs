namespace Workbench.Benchmarks.Model;

/// <summary>
/// One operation's latency histogram of one trial, as it is stored and read back: only the buckets that counted a
/// call, each by its inclusive upper bound in clock ticks, ascending, with the exact maximum and the clock's tick
/// length. Every percentile and every point of a tail distribution is read from it by one rule (<see cref="PercentileTicks"/>).
/// </summary>
/// <param name="Operation">The operation timed (<c>malloc</c> or <c>free</c>).</param>
/// <param name="NsPerTick">Nanoseconds per clock tick (the clock's resolution).</param>
/// <param name="MaxTicks">The largest value counted (exact), ticks.</param>
/// <param name="Buckets">The non-empty buckets, ascending by upper bound: (upper bound in ticks, inclusive; calls counted).</param>
public sealed record LatencyBuckets(string Operation, double NsPerTick, long MaxTicks, IReadOnlyList<(long UpperTicks, long Count)> Buckets)
{
    /// <summary>Calls counted.</summary>
    public long Count => Buckets.Sum(b => b.Count);

    /// <summary>The maximum, ns.</summary>
    public double MaxNs => MaxTicks * NsPerTick;

    /// <summary>
    /// The value at percentile <paramref name="percent"/> (0..100), ticks: the upper end of the bucket that holds the
    /// rank-th smallest call (rank = ceil(percent/100 x count), at least 1), capped by the exact maximum; 0 when empty.
    /// </summary>
    public long PercentileTicks(double percent)
    {
        long count = Count;
        if (count == 0)
        {
            return 0;
        }
        // Rounded before the ceiling: 99.9 / 100 x 1000 is 999.0000000000001 in binary, which would make p99.9 the maximum.
        long rank = Math.Max(1, (long)Math.Ceiling(Math.Round(percent / 100.0 * count, 6)));
        long seen = 0;
        foreach ((long upper, long n) in Buckets)
        {
            seen += n;
            if (seen >= rank)
            {
                return Math.Min(upper, MaxTicks);
            }
        }
        return MaxTicks;
    }

    /// <summary>The value at percentile <paramref name="percent"/>, ns (<see cref="PercentileTicks"/>).</summary>
    public double PercentileNs(double percent) => PercentileTicks(percent) * NsPerTick;

    /// <summary>
    /// The tail distribution: for each bucket, its upper end (capped by the maximum), ns, and the fraction of calls
    /// slower than it (above the bucket); the last point is the maximum at one call in all (the slowest call itself), so
    /// that the curve ends where the data ends instead of at a fraction of 0, which a log axis cannot draw.
    /// </summary>
    public IReadOnlyList<(double LatencyNs, double FractionSlower)> Tail()
    {
        long count = Count;
        List<(double, double)> points = [];
        if (count == 0)
        {
            return points;
        }
        long seen = 0;
        foreach ((long upper, long n) in Buckets)
        {
            seen += n;
            if (seen < count)
            {
                points.Add((Math.Min(upper, MaxTicks) * NsPerTick, (count - seen) / (double)count));
            }
        }
        points.Add((MaxNs, 1.0 / count));
        return points;
    }

    /// <summary>The sum of several trials' histograms of the same operation and clock (the repetitions pooled).</summary>
    /// <exception cref="ArgumentException">None given, or they differ in operation or tick length.</exception>
    public static LatencyBuckets Pool(IReadOnlyList<LatencyBuckets> histograms)
    {
        ArgumentNullException.ThrowIfNull(histograms);
        if (histograms.Count == 0)
        {
            throw new ArgumentException("nothing to pool", nameof(histograms));
        }
        LatencyBuckets first = histograms[0];
        if (histograms.Any(h => h.Operation != first.Operation || h.NsPerTick != first.NsPerTick))
        {
            throw new ArgumentException("histograms of different operations or clocks do not pool", nameof(histograms));
        }
        SortedDictionary<long, long> sum = [];
        foreach ((long upper, long n) in histograms.SelectMany(h => h.Buckets))
        {
            sum[upper] = sum.GetValueOrDefault(upper) + n;
        }
        return new LatencyBuckets(first.Operation, first.NsPerTick, histograms.Max(h => h.MaxTicks), [.. sum.Select(p => (p.Key, p.Value))]);
    }
}
