using Workbench.Benchmarks.Sizes;
using Workbench.Benchmarks.Traces;

namespace Workbench.Benchmarks.Tests.Traces;

/// <summary>The trace format: what is written is read back, event for event, with a summary that adds up.</summary>
public sealed class TraceFormatTests
{
    [Theory]
    [InlineData(0UL)]
    [InlineData(1UL)]
    [InlineData(127UL)]
    [InlineData(128UL)]
    [InlineData(16_383UL)]
    [InlineData(16_384UL)]
    [InlineData(1UL << 40)]
    [InlineData(ulong.MaxValue)]
    public void VarintRoundTrips(ulong value)
    {
        byte[] buffer = new byte[Varint.MaxBytes];
        int length = Varint.Write(buffer, 0, value);
        int position = 0;
        Assert.True(Varint.TryRead(buffer.AsSpan(0, length), ref position, out ulong read));
        Assert.Equal(value, read);
        Assert.Equal(length, position);
        Assert.Equal(value < 128 ? 1 : value < 16_384 ? 2 : length, length);
        int cut = 0;
        Assert.False(Varint.TryRead(buffer.AsSpan(0, length - 1), ref cut, out _));
    }

    [Fact]
    public void EventsAndSummaryRoundTripOverManyBlocks()
    {
        List<TraceEvent> events = TraceTestData.RandomEvents(60_000, threads: 4, seed: 7);
        using MemoryStream stream = TraceTestData.Write(events, "round trip");
        Assert.True(TraceTestData.BlockOffsets(stream.ToArray()).Count > 3, "the trace should span several blocks");

        using TraceReader reader = new(stream, "memory", leaveOpen: true);
        List<TraceEvent> read = [];
        while (reader.TryRead(out TraceEvent e))
        {
            read.Add(e);
        }
        Assert.Equal(events, read);

        // The summary, recomputed here from the events.
        Dictionary<long, long> live = [];
        long bytes = 0;
        long peak = 0;
        long peakObjects = 0;
        foreach (TraceEvent e in events)
        {
            if (e.Operation == TraceOperation.Free)
            {
                bytes -= live[e.Object];
                live.Remove(e.Object);
            }
            else
            {
                bytes += (long)e.Size - live.GetValueOrDefault(e.Object);
                live[e.Object] = (long)e.Size;
            }
            peak = Math.Max(peak, bytes);
            peakObjects = Math.Max(peakObjects, live.Count);
        }
        TraceInfo info = reader.Info;
        Assert.Equal("round trip", info.Source);
        Assert.Equal(events.Count, info.Events);
        Assert.Equal(events.Count(e => e.IsAllocation), info.Allocations);
        Assert.Equal(events.Count(e => e.Operation == TraceOperation.Calloc), info.Callocs);
        Assert.Equal(events.Count(e => e.Operation == TraceOperation.AlignedAlloc), info.AlignedAllocations);
        Assert.Equal(events.Count(e => e.Operation == TraceOperation.Realloc), info.Reallocs);
        Assert.Equal(events.Count(e => e.Operation == TraceOperation.Free), info.Frees);
        Assert.Equal(4, info.Threads);
        Assert.Equal(Enumerable.Range(0, 4).Select(t => (long)events.Count(e => e.Thread == t)), info.EventsPerThread);
        Assert.Equal(peak, info.PeakLiveBytes);
        Assert.Equal(peakObjects, info.PeakLiveObjects);
        Assert.Equal(live.Count, info.LiveObjectsAtEnd);
        Assert.Equal(bytes, info.LiveBytesAtEnd);
        Assert.Equal(info.Allocations + info.Reallocs, info.Sizes.Sum(s => s.Value));
        Assert.Equal(info.Sizes.Sum(s => s.Value), info.SizeHistogram().Sum(b => b.Requests));
        Assert.All(info.SizeHistogram(), b => Assert.True(b.From <= b.To));
    }

    [Fact]
    public void AnEmptyTraceHasNoEvents()
    {
        using MemoryStream stream = TraceTestData.Write([]);
        using TraceReader reader = new(stream, "empty");
        Assert.False(reader.TryRead(out _));
        Assert.Equal(0, reader.Info.Events);
    }

    [Fact]
    public void TheWriterRefusesAnEventOnAnObjectThatIsNotLive()
    {
        using MemoryStream stream = new();
        using TraceWriter writer = new(stream, "bad", leaveOpen: true);
        long id = writer.Malloc(0, 10);
        writer.Free(0, id);
        Assert.Throws<ArgumentException>(() => writer.Free(0, id));
        Assert.Throws<ArgumentException>(() => writer.Realloc(0, 5, 10));
        Assert.Throws<ArgumentException>(() => writer.Write(new TraceEvent(TraceOperation.Malloc, 7, 1, 0, 0)));
        Assert.Throws<ArgumentException>(() => writer.AlignedAlloc(0, 24, 10));
        Assert.Equal(2, writer.Events);
    }

    [Fact]
    public void CommittedTracesOpenAndMatchTheirSummaries()
    {
        foreach (string name in new[] { "sqlite3.trace", "cc1.trace", "cc1plus.trace", "python3.trace", "perl.trace" })
        {
            using TraceReader reader = TraceReader.Open(TraceTestData.Committed(name));
            long events = 0;
            while (reader.TryRead(out _))
            {
                events++;
            }
            Assert.Equal(reader.Info.Events, events);
            Assert.Equal(1, reader.Info.Threads);
            Assert.StartsWith("heaptrack", reader.Info.Source, StringComparison.Ordinal);
            Assert.True(new FileInfo(TraceTestData.Committed(name)).Length < 1 << 20, $"{name} should stay under 1 MiB");
        }
    }

    [Fact]
    public void ATraceSizeSpecDrawsOnlySizesTheTraceAskedFor()
    {
        TraceSizes sizes = TraceSizes.Load("data/traces/sqlite3.trace");
        Assert.Equal("trace:data/traces/sqlite3.trace", sizes.Spec);
        HashSet<long> asked = [.. sizes.Info.Sizes.Select(s => s.Key)];
        Random random = new(3);
        for (int i = 0; i < 1000; i++)
        {
            long size = sizes.Sample(random);
            Assert.Contains(size, asked);
            Assert.InRange(size, sizes.Min, sizes.Max);
        }
        Assert.InRange(sizes.Mean, sizes.Min, sizes.Max);
    }
}
