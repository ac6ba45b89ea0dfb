using System.Text;

namespace Workbench.Benchmarks.Traces;

/// <summary>
/// The summary of a trace, stored in its last block so that <c>workbench trace info</c> and the replay know it
/// without reading the events: counts, threads, the exact peak of live requested bytes, and every requested size
/// with how often it was asked for.
/// </summary>
public sealed class TraceInfo
{
    /// <summary>Where the trace comes from (the recorded command line, or what wrote it), one line.</summary>
    public string Source { get; init; } = "";

    /// <summary>All events.</summary>
    public long Events { get; init; }

    /// <summary>New objects: malloc, calloc and aligned allocations.</summary>
    public long Allocations { get; init; }

    /// <summary>Of <see cref="Allocations"/>, the callocs.</summary>
    public long Callocs { get; init; }

    /// <summary>Of <see cref="Allocations"/>, the aligned allocations.</summary>
    public long AlignedAllocations { get; init; }

    /// <summary>Reallocs.</summary>
    public long Reallocs { get; init; }

    /// <summary>Frees.</summary>
    public long Frees { get; init; }

    /// <summary>Threads (thread numbers run from 0 to this minus one).</summary>
    public int Threads { get; init; }

    /// <summary>Events of each thread.</summary>
    public IReadOnlyList<long> EventsPerThread { get; init; } = [];

    /// <summary>The most bytes asked for and not yet freed at any point of the trace (exact).</summary>
    public long PeakLiveBytes { get; init; }

    /// <summary>The most objects live at once.</summary>
    public long PeakLiveObjects { get; init; }

    /// <summary>Bytes asked for by every allocation and realloc together.</summary>
    public long TotalRequestedBytes { get; init; }

    /// <summary>Objects never freed (still live when the trace ends: the program's leaks and its exit).</summary>
    public long LiveObjectsAtEnd { get; init; }

    /// <summary>Bytes of the objects never freed.</summary>
    public long LiveBytesAtEnd { get; init; }

    /// <summary>Every size asked for (allocations and reallocs), with how many times, in increasing size order.</summary>
    public IReadOnlyList<KeyValuePair<long, long>> Sizes { get; init; } = [];

    /// <summary>
    /// The sizes grouped by powers of two: rows (from, to, requests) with from = 0 for size 0 and
    /// [2^k, 2^(k+1) - 1] otherwise; only non-empty rows.
    /// </summary>
    public IReadOnlyList<(long From, long To, long Requests)> SizeHistogram()
    {
        SortedDictionary<int, long> buckets = [];
        foreach ((long size, long count) in Sizes)
        {
            int bucket = size == 0 ? -1 : 63 - System.Numerics.BitOperations.LeadingZeroCount((ulong)size);
            buckets[bucket] = buckets.GetValueOrDefault(bucket) + count;
        }
        return [.. buckets.Select(b => b.Key < 0 ? (0L, 0L, b.Value) : (1L << b.Key, b.Key >= 62 ? long.MaxValue : (1L << (b.Key + 1)) - 1, b.Value))];
    }

    /// <summary>The summary as the bytes of a summary block (before compression): varints in a fixed order.</summary>
    public byte[] Encode()
    {
        using MemoryStream output = new();
        byte[] buffer = new byte[Varint.MaxBytes];
        void Put(ulong value)
        {
            int n = Varint.Write(buffer, 0, value);
            output.Write(buffer, 0, n);
        }
        byte[] source = Encoding.UTF8.GetBytes(Source);
        Put((ulong)source.Length);
        output.Write(source);
        Put((ulong)Events);
        Put((ulong)Allocations);
        Put((ulong)Callocs);
        Put((ulong)AlignedAllocations);
        Put((ulong)Reallocs);
        Put((ulong)Frees);
        Put((ulong)Threads);
        foreach (long count in EventsPerThread)
        {
            Put((ulong)count);
        }
        Put((ulong)PeakLiveBytes);
        Put((ulong)PeakLiveObjects);
        Put((ulong)TotalRequestedBytes);
        Put((ulong)LiveObjectsAtEnd);
        Put((ulong)LiveBytesAtEnd);
        Put((ulong)Sizes.Count);
        long previous = 0;
        foreach ((long size, long count) in Sizes)
        {
            Put((ulong)(size - previous));
            Put((ulong)count);
            previous = size;
        }
        return output.ToArray();
    }

    /// <summary>Reads what <see cref="Encode"/> wrote; null when the bytes are not a whole, consistent summary.</summary>
    public static TraceInfo? Decode(ReadOnlySpan<byte> data) => Decode(data, out _);

    /// <summary>
    /// Reads what <see cref="Encode"/> wrote; null when the bytes are not a whole, consistent summary, with
    /// <paramref name="problem"/> saying why in a few words.
    /// </summary>
    public static TraceInfo? Decode(ReadOnlySpan<byte> data, out string problem)
    {
        problem = "the summary block does not hold a consistent summary";
        int p = 0;
        bool ok = true;
        long Next(ReadOnlySpan<byte> span, ref int position)
        {
            if (!Varint.TryRead(span, ref position, out ulong value) || value > long.MaxValue)
            {
                ok = false;
                return 0;
            }
            return (long)value;
        }
        long sourceLength = Next(data, ref p);
        if (!ok || sourceLength > data.Length - p)
        {
            return null;
        }
        string source = Encoding.UTF8.GetString(data.Slice(p, (int)sourceLength));
        p += (int)sourceLength;
        long events = Next(data, ref p);
        long allocations = Next(data, ref p);
        long callocs = Next(data, ref p);
        long aligned = Next(data, ref p);
        long reallocs = Next(data, ref p);
        long frees = Next(data, ref p);
        long threads = Next(data, ref p);
        if (ok && threads > TraceFormat.MaxThread + 1)
        {
            problem = $"the summary claims {threads} threads, but a trace holds at most {TraceFormat.MaxThread + 1} (thread numbers 0 to {TraceFormat.MaxThread}; the replay runs one thread for each)";
            return null;
        }
        if (!ok)
        {
            return null;
        }
        long[] perThread = new long[threads];
        for (int t = 0; t < threads; t++)
        {
            perThread[t] = Next(data, ref p);
        }
        long peakBytes = Next(data, ref p);
        long peakObjects = Next(data, ref p);
        long total = Next(data, ref p);
        long liveObjects = Next(data, ref p);
        long liveBytes = Next(data, ref p);
        long distinct = Next(data, ref p);
        if (!ok || distinct > data.Length - p)
        {
            return null;
        }
        List<KeyValuePair<long, long>> sizes = new((int)distinct);
        long size = 0;
        for (long i = 0; i < distinct && ok; i++)
        {
            size += Next(data, ref p);
            sizes.Add(new KeyValuePair<long, long>(size, Next(data, ref p)));
        }
        // Sums in 128 bits: forged counts near 2^63 must not wrap into agreement (or overflow into an exception).
        Int128 threadEvents = 0;
        foreach (long count in perThread)
        {
            threadEvents += count;
        }
        if (!ok || p != data.Length || events != (Int128)allocations + reallocs + frees || threadEvents != events)
        {
            return null;
        }
        return new TraceInfo
        {
            Source = source,
            Events = events,
            Allocations = allocations,
            Callocs = callocs,
            AlignedAllocations = aligned,
            Reallocs = reallocs,
            Frees = frees,
            Threads = (int)threads,
            EventsPerThread = perThread,
            PeakLiveBytes = peakBytes,
            PeakLiveObjects = peakObjects,
            TotalRequestedBytes = total,
            LiveObjectsAtEnd = liveObjects,
            LiveBytesAtEnd = liveBytes,
            Sizes = sizes,
        };
    }
}
