using Workbench.Benchmarks.Allocators;
using Workbench.Benchmarks.Sizes;
using Workbench.Benchmarks.Traces;
using Workbench.Benchmarks.Workloads;

namespace Workbench.Benchmarks.Tests.Traces;

/// <summary>A C# workload run through a recording allocator writes a trace that replays, on as many threads.</summary>
public sealed class TraceRecorderTests
{
    private static string Record(Workload workload, int threads, Func<TraceRecorder, WorkloadContext, WorkloadResult> run, Dictionary<string, long>? knobs = null)
    {
        string path = Path.Combine(Path.GetTempPath(), $"wb-recorded-{Guid.NewGuid():N}.trace");
        WorkloadContext context = new(threads, SizeDistribution.Parse(workload.DefaultSizes), 9, workload.ResolveKnobs(quick: true, knobs));
        using TraceRecorder recorder = TraceRecorder.Create(path, $"{workload.Name} x{threads}");
        run(recorder, context);
        return path;
    }

    [Fact]
    public void AMultiThreadedWorkloadIsRecordedAndReplayedOnAsManyThreads()
    {
        Workload memory = WorkloadCatalog.Find("memory")!;
        Dictionary<string, long> knobs = new() { ["objects"] = 300, ["rounds"] = 3 };
        string path = Record(memory, 2, (recorder, context) => memory.Run(recorder.Wrap(new NativeAllocator(NativeFunctions.Load(NativeLibrarySpec.Glibc))), context), knobs);
        try
        {
            TraceSizes trace = TraceSizes.Load(path);
            TraceInfo info = trace.Info;
            // 2 producers and 2 consumers: every object is allocated by a producer and freed by a consumer.
            Assert.Equal(4, info.Threads);
            Assert.Equal(2 * 300 * 3, info.Allocations);
            Assert.Equal(info.Allocations, info.Frees);
            Assert.Equal(0, info.LiveObjectsAtEnd);
            Assert.Equal("memory x2", info.Source);

            WorkloadResult result = TraceReplayTests.Replay("glibc", trace);
            Assert.Equal(info.Events, result.Operations);
            Assert.Equal(4, result.Metrics["trace_threads"]);
            Assert.Equal(0, result.Series[^1].RequestedBytes);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void CallocReallocAndAlignedAllocationAreRecordedAndReplayed()
    {
        Workload speed = WorkloadCatalog.Find("speed")!;
        Dictionary<string, long> knobs = new() { ["calls"] = 200 };
        string path = Record(speed, 1, (recorder, context) => speed.Run(recorder.Wrap(new NativeMemoryAllocator()), context), knobs);
        try
        {
            TraceSizes trace = TraceSizes.Load(path);
            Assert.True(trace.Info.Callocs > 0);
            Assert.True(trace.Info.Reallocs > 0);
            Assert.True(trace.Info.AlignedAllocations > 0);
            Assert.Equal(0, trace.Info.LiveObjectsAtEnd);

            Assert.Equal(trace.Info.Events, TraceReplayTests.Replay("glibc", trace).Operations);
            // The garbage collector has no aligned allocation: those are replayed as malloc, and counted.
            WorkloadResult gc = TraceReplayTests.Replay("gc", trace);
            Assert.Equal(trace.Info.Events, gc.Operations);
            Assert.Equal(trace.Info.AlignedAllocations, gc.Metrics["aligned_as_malloc"]);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void ManagedBlocksAreRecordedByArray()
    {
        Workload churn = WorkloadCatalog.Find("churn")!;
        Dictionary<string, long> knobs = new() { ["iterations"] = 500, ["slots"] = 50 };
        string path = Record(churn, 2, (recorder, context) => churn.Run(recorder.Wrap(new ArrayPoolAllocator()), context), knobs);
        try
        {
            TraceInfo info = TraceSizes.Load(path).Info;
            Assert.Equal(2, info.Threads);
            Assert.Equal(2 * 500, info.Allocations);
            Assert.Equal(info.Allocations, info.Frees);
            Assert.Equal(0, info.LiveObjectsAtEnd);
            Assert.Equal([info.Events / 2, info.Events / 2], info.EventsPerThread);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
