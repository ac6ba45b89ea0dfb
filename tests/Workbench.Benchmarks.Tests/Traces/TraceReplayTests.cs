using Workbench.Benchmarks.Allocators;
using Workbench.Benchmarks.Sizes;
using Workbench.Benchmarks.Workloads;

namespace Workbench.Benchmarks.Tests.Traces;

/// <summary>trace-replay runs a real trace on every allocator, checking every byte of every block.</summary>
public sealed class TraceReplayTests
{
    private static readonly TraceReplayWorkload Workload = new();

    /// <summary>Every available allocator that can load into this process.</summary>
    public static TheoryData<string> InProcessAllocators()
    {
        TheoryData<string> data = [];
        foreach (AllocatorInfo allocator in AllocatorCatalog.Available.Where(a => a.InProcessObstacle is null))
        {
            data.Add(allocator.Name);
        }
        return data;
    }

    internal static WorkloadResult Replay(string allocator, SizeDistribution trace, bool verify = true, long sampleEvery = 5_000)
    {
        Dictionary<string, long> knobs = Workload.ResolveKnobs(quick: true, new Dictionary<string, long>
        {
            ["verify"] = verify ? 1 : 0,
            ["sample_every"] = sampleEvery,
        });
        return Workload.RunOn(AllocatorCatalog.Find(allocator)!, new WorkloadContext(1, trace, 5, knobs));
    }

    [Theory]
    [MemberData(nameof(InProcessAllocators))]
    public void TheSqliteTraceReplaysOnEveryAllocatorWithEveryByteChecked(string allocator)
    {
        TraceSizes trace = TraceSizes.Load("data/traces/sqlite3.trace");
        WorkloadResult result = Replay(allocator, trace);
        Assert.Equal(trace.Info.Events, result.Operations);
        Assert.True(result.ElapsedSeconds > 0);
        Assert.Equal(trace.Info.PeakLiveBytes / 1024.0, result.Metrics["peak_requested_kib"]);
        Assert.Equal(trace.Info.LiveObjectsAtEnd, result.Metrics["leaked_objects"]);
        Assert.Equal(1, result.Metrics["trace_threads"]);
        // One sample at the start, one every 5,000 events, one at the end: live bytes exactly as the trace says.
        Assert.Equal(trace.Info.Events / 5_000 + 2, result.Series.Count);
        Assert.Equal(0, result.Series[0].RequestedBytes);
        Assert.Equal(trace.Info.LiveBytesAtEnd, result.Series[^1].RequestedBytes);
        Assert.All(result.Series, p => Assert.InRange(p.RequestedBytes, 0, trace.Info.PeakLiveBytes));
        // Heap and mmap over the runtime's baseline in every sample, their peak a metric.
        Assert.Equal((0L, 0L), (result.Series[0].HeapKib!.Value, result.Series[0].MmapKib!.Value));
        Assert.All(result.Series, p => Assert.True(p.HeapKib is not null && p.MmapKib is not null));
        Assert.Equal(result.Series.Max(p => p.HeapKib!.Value + p.MmapKib!.Value), result.Metrics["peak_allocator_kib"]);
    }

    [Fact]
    public void ReplayWithoutVerifyChecksTheBytesItWrote()
    {
        TraceSizes trace = TraceSizes.Load("data/traces/cc1.trace");
        WorkloadResult result = Replay("glibc", trace, verify: false);
        Assert.Equal(trace.Info.Events, result.Operations);
        Assert.Equal(trace.Info.LiveObjectsAtEnd, result.Metrics["leaked_objects"]);
    }

    [Fact]
    public void AnAllocatorThatHandsOutOverlappingMemoryIsCaught()
    {
        TraceSizes trace = TraceSizes.Load("data/traces/sqlite3.trace");
        Dictionary<string, long> knobs = Workload.ResolveKnobs(quick: true, new Dictionary<string, long> { ["verify"] = 1 });
        InvalidOperationException e = Assert.Throws<InvalidOperationException>(() => Workload.Run(new OverlappingAllocator(), new WorkloadContext(1, trace, 5, knobs)));
        Assert.Contains("was overwritten while live", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReplayRefusesASizeSpecThatIsNotATrace()
    {
        ArgumentException e = Assert.Throws<ArgumentException>(() => Replay("glibc", SizeDistribution.Parse("fixed:64")));
        Assert.Contains("--trace", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ATraceSpecThatNamesNoFileSaysWhatToWrite()
    {
        SizeSpecException e = Assert.Throws<SizeSpecException>(() => TraceSizes.Load("data/traces/no-such.trace"));
        Assert.Contains("trace:data/traces/sqlite3.trace", e.Message, StringComparison.Ordinal);
    }

    /// <summary>A broken allocator: every block starts at the same 1 MiB buffer, so live blocks overlap.</summary>
    private readonly struct OverlappingAllocator : IAllocator
    {
        private static readonly byte[] Shared = new byte[4 << 20];

        public AllocatorFeatures Features => AllocatorFeatures.None;

        public Block Malloc(nuint size) => new(Shared, size);

        public void Free(Block block)
        {
        }

        public Block Calloc(nuint count, nuint size) => throw new NotSupportedException();

        public Block Realloc(Block block, nuint size) => throw new NotSupportedException();

        public Block AlignedAlloc(nuint alignment, nuint size) => throw new NotSupportedException();

        public void AlignedFree(Block block) => throw new NotSupportedException();
    }
}
