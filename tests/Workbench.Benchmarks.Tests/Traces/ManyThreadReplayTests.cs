using Workbench.Benchmarks.Sizes;
using Workbench.Benchmarks.Traces;
using Workbench.Benchmarks.Workloads;

namespace Workbench.Benchmarks.Tests.Traces;

/// <summary>
/// A trace with as many threads as the format allows (4096) replays in memory that does not grow with its thread
/// count: each window of events once held 1024 ops for every thread (8 windows of 4096 threads: 1.3 GB).
/// </summary>
public sealed class ManyThreadReplayTests
{
    /// <summary>
    /// A trace in which each of <paramref name="threads"/> threads allocates a block, then each frees its own, in
    /// turn: every window of the replay has events of 1024 different threads.
    /// </summary>
    private static string WriteTrace(int threads)
    {
        string path = Path.Combine(TestRuns.NewFolder("many-threads"), $"t{threads}.trace");
        using TraceWriter writer = TraceWriter.Create(path, $"{threads} threads, one block each");
        long[] ids = new long[threads];
        for (int t = 0; t < threads; t++)
        {
            ids[t] = writer.Malloc(t, 64 + (ulong)t % 7);
        }
        for (int t = 0; t < threads; t++)
        {
            writer.Free(t, ids[t]);
        }
        return path;
    }

    [Fact]
    public void FourThousandThreadsReplayInMemoryThatDoesNotGrowWithTheThreads()
    {
        TraceSizes trace = TraceSizes.Load(WriteTrace(TraceFormat.MaxThread + 1));
        long before = GC.GetTotalAllocatedBytes(precise: true);
        WorkloadResult result = TraceReplayTests.Replay("glibc", trace, verify: true);
        long allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
        Assert.Equal(2 * 4096, result.Operations);
        Assert.Equal(4096, result.Metrics["trace_threads"]);
        Assert.Equal(0, result.Metrics["leaked_objects"]);
        // The windows alone took 8 x 4096 x 1024 ops of 40 bytes (1.3 GB) before; now the whole replay allocates a few MB.
        Assert.True(allocated < 64L << 20, $"the replay allocated {allocated >> 20} MiB");
    }
}
