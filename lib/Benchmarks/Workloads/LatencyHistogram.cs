using System.Numerics;
using System.Runtime.CompilerServices;
using Workbench.Benchmarks.Model;

namespace Workbench.Benchmarks.Workloads;

/// <summary>
/// A log-bucket latency histogram in the style of HdrHistogram: values (nanoseconds) are counted in
/// buckets that split every power of two into 2^<see cref="SubBucketBits"/> equal parts, so a reported
/// percentile is within 1/2^<see cref="SubBucketBits"/> (about 1.6%) of the true value, with constant memory
/// and O(1) recording. The maximum is kept exactly.
/// </summary>
public sealed class LatencyHistogram
{
    /// <summary>Sub-buckets per power of two, as a power of two.</summary>
    public const int SubBucketBits = 6;

    private const int SubBuckets = 1 << SubBucketBits;
    private readonly long[] _counts = new long[(64 - SubBucketBits + 1) * SubBuckets];

    /// <summary>Values recorded.</summary>
    public long Count { get; private set; }

    /// <summary>The largest value recorded (exact).</summary>
    public long Max { get; private set; }

    /// <summary>Counts one value.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Record(long value)
    {
        if (value < 0)
        {
            value = 0;
        }
        _counts[IndexOf(value)]++;
        Count++;
        if (value > Max)
        {
            Max = value;
        }
    }

    /// <summary>Adds another histogram's counts.</summary>
    public void Add(LatencyHistogram other)
    {
        ArgumentNullException.ThrowIfNull(other);
        for (int i = 0; i < _counts.Length; i++)
        {
            _counts[i] += other._counts[i];
        }
        Count += other.Count;
        Max = Math.Max(Max, other.Max);
    }

    /// <summary>
    /// The value at percentile <paramref name="percent"/> (0..100): the upper end of the bucket that holds
    /// the rank-th smallest value, capped by the exact maximum (<see cref="LatencyBuckets.PercentileTicks"/>).
    /// </summary>
    public long Percentile(double percent) => ToBuckets("", 1).PercentileTicks(percent);

    /// <summary>The histogram as it is stored: its non-empty buckets by upper bound, for <paramref name="operation"/> on a clock of <paramref name="nsPerTick"/>.</summary>
    public LatencyBuckets ToBuckets(string operation, double nsPerTick)
    {
        List<(long, long)> buckets = [];
        for (int i = 0; i < _counts.Length; i++)
        {
            if (_counts[i] > 0)
            {
                buckets.Add((UpperBound(i), _counts[i]));
            }
        }
        return new LatencyBuckets(operation, nsPerTick, Max, buckets);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static int IndexOf(long value)
    {
        if (value < SubBuckets)
        {
            return (int)value;
        }
        int log = BitOperations.Log2((ulong)value);
        int shift = log - SubBucketBits;
        int sub = (int)(value >> shift) & (SubBuckets - 1);
        return (shift + 1) * SubBuckets + sub;
    }

    internal static long UpperBound(int index)
    {
        int group = index / SubBuckets;
        int sub = index % SubBuckets;
        if (group == 0)
        {
            return sub;
        }
        int shift = group - 1;
        long low = (long)(SubBuckets + sub) << shift;
        return low + (1L << shift) - 1;
    }
}
