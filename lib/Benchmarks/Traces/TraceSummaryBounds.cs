using System.Globalization;

namespace Workbench.Benchmarks.Traces;

/// <summary>
/// Checks each field of a trace's summary against what the file can hold, before anything (the replay's block table,
/// its threads, a size table) is sized from it: a forged summary of a 244-byte file once claimed 50 million live
/// objects, and the replay allocated 7.56 GB for them. The chain of bounds ends at the file's bytes: the events are
/// those the events blocks' headers count (<see cref="TraceBlockCensus"/>, bounded by the stored bytes), every other
/// count is bounded by the events, and the byte totals by the sizes the summary lists.
/// </summary>
public static class TraceSummaryBounds
{
    /// <summary>
    /// Null when every field of <paramref name="info"/> is within what <paramref name="blocks"/> can hold; else one
    /// line naming the first field out of bounds, the value it claims and the bound it breaks.
    /// </summary>
    public static string? Violation(TraceInfo info, TraceBlockCensus blocks)
    {
        ArgumentNullException.ThrowIfNull(info);
        string blockWord = blocks.Blocks == 1 ? "block" : "blocks";
        if (info.Events != blocks.Events)
        {
            return Claim("events", info.Events, $"must equal the {blocks.Events} events counted by the headers of its {blocks.Blocks} events {blockWord} ({blocks.StoredBytes} stored bytes)");
        }
        if (info.Allocations > info.Events || info.Reallocs > info.Events || info.Frees > info.Events)
        {
            (string field, long value) = info.Allocations > info.Events ? ("allocations", info.Allocations)
                : info.Reallocs > info.Events ? ("reallocs", info.Reallocs) : ("frees", info.Frees);
            return Claim(field, value, $"must be at most the events ({info.Events})");
        }
        if (info.Callocs > info.Allocations)
        {
            return Claim("callocs", info.Callocs, $"must be at most the allocations ({info.Allocations})");
        }
        if (info.AlignedAllocations > info.Allocations - info.Callocs)
        {
            return Claim("aligned allocations", info.AlignedAllocations, $"must be at most the allocations less the callocs ({info.Allocations - info.Callocs})");
        }
        if (info.Frees > info.Allocations)
        {
            return Claim("frees", info.Frees, $"must be at most the allocations ({info.Allocations})");
        }
        if (info.PeakLiveObjects > info.Allocations)
        {
            return Claim("peak live objects", info.PeakLiveObjects, $"must be at most the allocations ({info.Allocations})");
        }
        if (info.LiveObjectsAtEnd != info.Allocations - info.Frees)
        {
            return Claim("objects never freed", info.LiveObjectsAtEnd, $"must equal allocations - frees ({info.Allocations - info.Frees})");
        }
        if (info.LiveObjectsAtEnd > info.PeakLiveObjects)
        {
            return Claim("peak live objects", info.PeakLiveObjects, $"must be at least the objects never freed ({info.LiveObjectsAtEnd})");
        }
        if (info.Threads > Math.Max(1, info.Events))
        {
            return Claim("threads", info.Threads, $"must be at most the events ({Math.Max(1, info.Events)})");
        }
        long requests = 0;
        Int128 requested = 0;
        foreach ((long size, long count) in info.Sizes)
        {
            requests += Math.Min(count, info.Events + 1);
            requested += (Int128)size * count;
            if (requests > info.Events)
            {
                break;
            }
        }
        if (requests != info.Allocations + info.Reallocs)
        {
            return Claim("requests in the size list", requests, $"must equal allocations + reallocs ({info.Allocations + info.Reallocs})");
        }
        if (requested != info.TotalRequestedBytes)
        {
            return Claim("bytes requested in all", info.TotalRequestedBytes, string.Create(CultureInfo.InvariantCulture, $"must equal the sum of its size list ({requested})"));
        }
        if (info.PeakLiveBytes > info.TotalRequestedBytes)
        {
            return Claim("peak live bytes", info.PeakLiveBytes, $"must be at most the bytes requested in all ({info.TotalRequestedBytes})");
        }
        if (info.LiveBytesAtEnd > info.PeakLiveBytes)
        {
            return Claim("bytes never freed", info.LiveBytesAtEnd, $"must be at most the peak live bytes ({info.PeakLiveBytes})");
        }
        return null;
    }

    private static string Claim(string field, long value, string bound) =>
        string.Create(CultureInfo.InvariantCulture, $"forged or corrupted summary: it claims {field} = {value}, but that {bound}");
}
