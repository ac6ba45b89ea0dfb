using System.Buffers.Binary;
using System.IO.Compression;
using Workbench.Benchmarks.Traces;

namespace Workbench.Benchmarks.Tests.Traces;

/// <summary>
/// Traces whose summary is forged as an attacker would forge it: a valid trace whose summary block is replaced by
/// another, with a correct CRC, so that only the summary's claims betray it.
/// </summary>
internal static class ForgedTraces
{
    /// <summary>A small valid trace (a few events on one thread).</summary>
    public static byte[] Small()
    {
        List<TraceEvent> events =
        [
            new(TraceOperation.Malloc, 0, 64, 0, 0),
            new(TraceOperation.Malloc, 1, 128, 0, 0),
            new(TraceOperation.Free, 0, 0, 0, 0),
            new(TraceOperation.Malloc, 2, 64, 0, 0),
        ];
        return TraceTestData.Write(events).ToArray();
    }

    /// <summary>The summary of <paramref name="trace"/>, as stored.</summary>
    public static TraceInfo SummaryOf(byte[] trace)
    {
        using TraceReader reader = new(new MemoryStream(trace), "forged.trace");
        return reader.Info;
    }

    /// <summary><paramref name="trace"/> with its summary replaced by <paramref name="forged"/> (CRC and header offset right).</summary>
    public static byte[] WithSummary(byte[] trace, TraceInfo forged)
    {
        long summaryAt = BinaryPrimitives.ReadInt64LittleEndian(trace.AsSpan(TraceFormat.SummaryOffsetField));
        byte[] plain = forged.Encode();
        using MemoryStream stored = new();
        using (DeflateStream deflate = new(stored, CompressionLevel.Optimal, leaveOpen: true))
        {
            deflate.Write(plain);
        }
        byte[] header = new byte[TraceFormat.BlockHeaderBytes];
        header[0] = TraceFormat.SummaryBlock;
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(1), (uint)stored.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(5), (uint)plain.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(13), Crc32.Of(header.AsSpan(0, 13), stored.ToArray()));
        return [.. trace.AsSpan(0, (int)summaryAt), .. header, .. stored.ToArray()];
    }

    /// <summary>A copy of <paramref name="info"/> with the fields given changed.</summary>
    public static TraceInfo Change(TraceInfo info, long? peakLiveObjects = null, long? liveObjectsAtEnd = null, long? events = null,
        long? allocations = null, int? threads = null, IReadOnlyList<long>? perThread = null) => new()
    {
        Source = info.Source,
        Events = events ?? info.Events,
        Allocations = allocations ?? info.Allocations,
        Callocs = info.Callocs,
        AlignedAllocations = info.AlignedAllocations,
        Reallocs = info.Reallocs,
        Frees = info.Frees,
        Threads = threads ?? info.Threads,
        EventsPerThread = perThread ?? info.EventsPerThread,
        PeakLiveBytes = info.PeakLiveBytes,
        PeakLiveObjects = peakLiveObjects ?? info.PeakLiveObjects,
        TotalRequestedBytes = info.TotalRequestedBytes,
        LiveObjectsAtEnd = liveObjectsAtEnd ?? info.LiveObjectsAtEnd,
        LiveBytesAtEnd = info.LiveBytesAtEnd,
        Sizes = info.Sizes,
    };
}
