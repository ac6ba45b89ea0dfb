using System.Globalization;

namespace Workbench.Benchmarks.Traces;

/// <summary>
/// The full check of a trace (<c>workbench trace verify</c>): every block is read, its CRC-32 checked and its events
/// decoded, every event is followed (a realloc or free must name a live object), and the summary the events add up
/// to is compared, field by field, with the stored one. <c>trace info</c> reads only the summary; this reads all.
/// </summary>
public static class TraceVerifier
{
    /// <summary>Reads the whole trace at <paramref name="path"/>; returns its summary when every byte checks out.</summary>
    /// <exception cref="FileNotFoundException">There is no such file.</exception>
    /// <exception cref="TraceFormatException">A block, an event or the summary is wrong; the offset is the first bad block's.</exception>
    public static TraceInfo Verify(string path)
    {
        using TraceReader reader = TraceReader.Open(path);
        TraceTally tally = new();
        while (reader.TryRead(out TraceEvent e))
        {
            try
            {
                tally.Add(e);
            }
            catch (ArgumentException problem)
            {
                throw new TraceFormatException(path, reader.BlockOffset, $"corrupted: event {reader.EventsRead - 1} of the events block: {problem.Message}");
            }
        }
        TraceInfo stored = reader.Info;
        TraceInfo counted = tally.ToInfo(stored.Source);
        if (Mismatch(stored, counted) is { } field)
        {
            throw new TraceFormatException(path, reader.SummaryOffset,
                string.Create(CultureInfo.InvariantCulture, $"corrupted: the summary's {field.Name} is {field.Stored}, but the events give {field.Counted}"));
        }
        return stored;
    }

    /// <summary>The first field on which the stored summary and the one the events add up to differ; null if none.</summary>
    private static (string Name, string Stored, string Counted)? Mismatch(TraceInfo stored, TraceInfo counted)
    {
        (string, long, long)[] fields =
        [
            ("events", stored.Events, counted.Events),
            ("allocations", stored.Allocations, counted.Allocations),
            ("callocs", stored.Callocs, counted.Callocs),
            ("aligned allocations", stored.AlignedAllocations, counted.AlignedAllocations),
            ("reallocs", stored.Reallocs, counted.Reallocs),
            ("frees", stored.Frees, counted.Frees),
            ("peak live bytes", stored.PeakLiveBytes, counted.PeakLiveBytes),
            ("peak live objects", stored.PeakLiveObjects, counted.PeakLiveObjects),
            ("bytes requested in all", stored.TotalRequestedBytes, counted.TotalRequestedBytes),
            ("objects never freed", stored.LiveObjectsAtEnd, counted.LiveObjectsAtEnd),
            ("bytes never freed", stored.LiveBytesAtEnd, counted.LiveBytesAtEnd),
        ];
        foreach ((string name, long a, long b) in fields)
        {
            if (a != b)
            {
                return (name, a.ToString(CultureInfo.InvariantCulture), b.ToString(CultureInfo.InvariantCulture));
            }
        }
        // A trace may name threads that have no events (a recorder numbers threads as it meets them, a writer may skip).
        long[] storedThreads = [.. stored.EventsPerThread];
        long[] countedThreads = [.. counted.EventsPerThread, .. new long[Math.Max(0, storedThreads.Length - counted.EventsPerThread.Count)]];
        if (!storedThreads.SequenceEqual(countedThreads))
        {
            return ("events per thread", string.Join(",", storedThreads), string.Join(",", countedThreads));
        }
        if (!stored.Sizes.SequenceEqual(counted.Sizes))
        {
            return ("size list", $"{stored.Sizes.Count} sizes", $"{counted.Sizes.Count} sizes (or other counts)");
        }
        return null;
    }
}
