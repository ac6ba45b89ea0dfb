using Workbench.Benchmarks.Allocators;
using Workbench.Benchmarks.Workloads;

namespace Workbench.Benchmarks.Tests.Published;

/// <summary>
/// mleak is mimalloc-bench's: rounds of 10 threads, each callocs 128 B and swaps it into one of 1000 shared slots,
/// freeing the block it took out (left by a thread before it).
/// </summary>
public sealed class MleakTests
{
    [Fact]
    public void EachThreadCallocsOneBlockAndFreesWhatItsSlotHeld()
    {
        const int rounds = 20, threads = 10, slots = 8;
        (WorkloadResult result, IReadOnlyList<Call> calls) = Run.Logged("mleak", 1, "fixed:128", new() { ["rounds"] = rounds, ["round_threads"] = threads, ["slots"] = slots });
        Assert.Equal(rounds * threads, result.Operations);
        Assert.Equal(rounds * threads, result.Metrics["threads_started"]);
        Call[] callocs = [.. calls.Where(c => c.Kind == CallKind.Calloc)];
        Assert.Equal(rounds * threads, callocs.Length);
        Assert.All(callocs, c => Assert.Equal(((nuint)128, (nuint)1), (c.Size, c.CallocCount)));
        // Each calloc is made on a thread of its own, which frees at most one block after it, never its own.
        Assert.Equal(callocs.Length, callocs.Select(c => c.Thread).Distinct().Count());
        int me = CallLog.CurrentThread;
        Call[] workerFrees = [.. calls.Where(c => c.Kind == CallKind.Free && c.Thread != me)];
        Dictionary<int, nint> callocOf = callocs.ToDictionary(c => c.Thread, c => c.Address);
        Assert.All(workerFrees, f => Assert.NotEqual(callocOf[f.Thread], f.Address));
        Assert.Equal(workerFrees.Length, workerFrees.Select(f => f.Thread).Distinct().Count());
        // With 8 slots, all but at most 8 blocks are freed by later threads; the rest after the rounds.
        Assert.InRange(workerFrees.Length, rounds * threads - slots, rounds * threads - 1);
        Assert.All(calls.Where(c => c.Kind == CallKind.Free), f => Assert.True(f.AllZero));
        Run.AssertEveryBlockFreedOnce(calls);
        Assert.Equal(rounds, result.Series.Count);
    }

    [Fact]
    public void ItRunsAtOneThreadAndSaysWhatToSweepInstead()
    {
        Workload w = WorkloadCatalog.Find("mleak")!;
        AllocatorInfo glibc = AllocatorCatalog.Find("glibc")!;
        Assert.Null(w.Obstacle(glibc, 1, "fixed:128"));
        Assert.Contains("round_threads", w.Obstacle(glibc, 4, "fixed:128"), StringComparison.Ordinal);
    }
}
