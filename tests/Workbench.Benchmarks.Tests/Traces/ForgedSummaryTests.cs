using System.Buffers.Binary;
using Workbench.Benchmarks.Traces;

namespace Workbench.Benchmarks.Tests.Traces;

/// <summary>
/// A forged summary (right CRC, claims the file cannot hold) is refused when the trace is opened, before anything is
/// sized from it, in one line that names the field, the claimed value, the bound and the byte offset.
/// </summary>
public sealed class ForgedSummaryTests
{
    private static TraceFormatException Open(byte[] bytes) =>
        Assert.Throws<TraceFormatException>(() => new TraceReader(new MemoryStream(bytes), "forged.trace").Dispose());

    private static long SummaryOffset(byte[] trace) => BinaryPrimitives.ReadInt64LittleEndian(trace.AsSpan(TraceFormat.SummaryOffsetField));

    [Fact]
    public void TheUnforgedSmallTraceOpens()
    {
        TraceInfo info = ForgedTraces.SummaryOf(ForgedTraces.Small());
        Assert.Equal(2, info.PeakLiveObjects);
        Assert.Equal(4, info.Events);
    }

    [Theory]
    [InlineData(50_000_000L)]
    [InlineData(1L << 31)]
    [InlineData(long.MaxValue)]
    public void APeakOfLiveObjectsAboveTheAllocationsIsRefused(long claimed)
    {
        byte[] trace = ForgedTraces.Small();
        TraceInfo info = ForgedTraces.SummaryOf(trace);
        byte[] forged = ForgedTraces.WithSummary(trace, ForgedTraces.Change(info, peakLiveObjects: claimed));
        Assert.True(forged.Length < 300, $"the forged trace has {forged.Length} bytes");
        TraceFormatException e = Open(forged);
        Assert.Equal(SummaryOffset(forged), e.Offset);
        Assert.Contains($"byte offset {e.Offset}", e.Message, StringComparison.Ordinal);
        Assert.Contains($"peak live objects = {claimed}", e.Message, StringComparison.Ordinal);
        Assert.Contains("at most the allocations (3)", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void MoreEventsThanTheBlocksCountAreRefused()
    {
        byte[] trace = ForgedTraces.Small();
        TraceInfo info = ForgedTraces.SummaryOf(trace);
        // A consistent summary of 50 million mallocs, all live: only the blocks' counts betray it.
        const long Claimed = 50_000_000;
        TraceInfo forged = new()
        {
            Source = "forged",
            Events = Claimed,
            Allocations = Claimed,
            Threads = 1,
            EventsPerThread = [Claimed],
            PeakLiveObjects = Claimed,
            LiveObjectsAtEnd = Claimed,
            PeakLiveBytes = Claimed * 64,
            LiveBytesAtEnd = Claimed * 64,
            TotalRequestedBytes = Claimed * 64,
            Sizes = [new(64, Claimed)],
        };
        byte[] bytes = ForgedTraces.WithSummary(trace, forged);
        TraceFormatException e = Open(bytes);
        Assert.Equal(SummaryOffset(bytes), e.Offset);
        Assert.Contains($"events = {Claimed}", e.Message, StringComparison.Ordinal);
        Assert.Contains($"must equal the {info.Events} events counted by the headers of its 1 events block", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ABlockHeaderThatClaimsMorePlainBytesThanDeflateCanMakeIsRefused()
    {
        byte[] trace = ForgedTraces.Small();
        long first = TraceFormat.HeaderBytes;
        uint stored = BinaryPrimitives.ReadUInt32LittleEndian(trace.AsSpan((int)first + 1));
        // 16 MiB of plain bytes and as many events from a few stored bytes; the CRC is made right.
        BinaryPrimitives.WriteUInt32LittleEndian(trace.AsSpan((int)first + 5), 16 * 1024 * 1024);
        BinaryPrimitives.WriteUInt32LittleEndian(trace.AsSpan((int)first + 9), 16 * 1024 * 1024);
        BinaryPrimitives.WriteUInt32LittleEndian(trace.AsSpan((int)first + 13),
            Crc32.Of(trace.AsSpan((int)first, 13), trace.AsSpan((int)first + TraceFormat.BlockHeaderBytes, (int)stored)));
        TraceFormatException e = Open(trace);
        Assert.Equal(first, e.Offset);
        Assert.Contains("at most 1032 plain bytes per stored byte", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ObjectsNeverFreedMustBeAllocationsLessFrees()
    {
        byte[] trace = ForgedTraces.Small();
        TraceInfo info = ForgedTraces.SummaryOf(trace);
        TraceFormatException e = Open(ForgedTraces.WithSummary(trace, ForgedTraces.Change(info, liveObjectsAtEnd: 1L << 40)));
        Assert.Contains($"objects never freed = {1L << 40}", e.Message, StringComparison.Ordinal);
        Assert.Contains("must equal allocations - frees (2)", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MoreThreadsThanTheFormatHoldsAreRefusedNamingTheCap()
    {
        byte[] trace = ForgedTraces.Small();
        TraceInfo info = ForgedTraces.SummaryOf(trace);
        long[] perThread = new long[5000];
        perThread[0] = info.Events;
        byte[] bytes = ForgedTraces.WithSummary(trace, ForgedTraces.Change(info, threads: 5000, perThread: perThread));
        TraceFormatException e = Open(bytes);
        Assert.Equal(SummaryOffset(bytes), e.Offset);
        Assert.Contains("the summary claims 5000 threads, but a trace holds at most 4096 (thread numbers 0 to 4095; the replay runs one thread for each)", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CountsThatWouldOverflowASumAreRefusedAsATraceError()
    {
        byte[] trace = ForgedTraces.Small();
        TraceInfo info = ForgedTraces.SummaryOf(trace);
        // Two threads of 2^62 + 2^62 + ... events: a checked sum once threw OverflowException out of the reader.
        long[] perThread = [long.MaxValue, long.MaxValue, 2];
        TraceFormatException e = Open(ForgedTraces.WithSummary(trace, ForgedTraces.Change(info, threads: 3, perThread: perThread)));
        Assert.Contains("does not hold a consistent summary", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CountsThatWouldWrapWhenAddedAreRefused()
    {
        byte[] trace = ForgedTraces.Small();
        TraceInfo info = ForgedTraces.SummaryOf(trace);
        // callocs + aligned allocations wrapped to a negative sum, which is "at most the allocations".
        TraceInfo forged = new()
        {
            Source = info.Source,
            Events = info.Events,
            Allocations = info.Allocations,
            Callocs = 2,
            AlignedAllocations = long.MaxValue,
            Reallocs = info.Reallocs,
            Frees = info.Frees,
            Threads = info.Threads,
            EventsPerThread = info.EventsPerThread,
            PeakLiveBytes = info.PeakLiveBytes,
            PeakLiveObjects = info.PeakLiveObjects,
            TotalRequestedBytes = info.TotalRequestedBytes,
            LiveObjectsAtEnd = info.LiveObjectsAtEnd,
            LiveBytesAtEnd = info.LiveBytesAtEnd,
            Sizes = info.Sizes,
        };
        TraceFormatException e = Open(ForgedTraces.WithSummary(trace, forged));
        Assert.Contains($"aligned allocations = {long.MaxValue}, but that must be at most the allocations less the callocs (1)", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void EveryCommittedTraceStillOpens()
    {
        foreach (string name in new[] { "sqlite3.trace", "cc1.trace", "cc1plus.trace", "python3.trace", "perl.trace" })
        {
            using TraceReader reader = TraceReader.Open(TraceTestData.Committed(name));
            Assert.True(reader.Info.Events > 0);
        }
    }
}
