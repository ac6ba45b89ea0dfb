using Workbench.Benchmarks.Sizes;
using Workbench.Benchmarks.Workloads;

namespace Workbench.Benchmarks.Tests.Published;

/// <summary>
/// larson is Larson and Krishnan's: a shuffled warm-up with 4 x chunks random replacements, threads that make
/// rounds x chunks replacements each and hand on to a successor, bytes 0 and 1 written.
/// </summary>
public sealed class LarsonTests
{
    [Fact]
    public void TheWarmupShufflesThenReplacesFourTimesAsManyBlocks()
    {
        CallLog log = new();
        const int count = 200;
        Allocators.Block[] blocks = LarsonWorkload.Warmup(log.Allocator, new SizeTable(SizeDistribution.Parse("uniform:8-999"), 3), count, 3);
        IReadOnlyList<Call> calls = log.Calls;
        Assert.Equal(count + 2 * 4 * count, calls.Count);
        Assert.All(calls.Take(count), c => Assert.Equal(CallKind.Malloc, c.Kind));
        for (int i = count; i < calls.Count; i += 2)
        {
            Assert.Equal((CallKind.Free, CallKind.Malloc), (calls[i].Kind, calls[i + 1].Kind));
        }
        // The array is a permutation: the blocks allocated first are spread over it, not in their order.
        nint[] first = [.. calls.Take(count).Select(c => c.Address)];
        HashSet<nint> replaced = [.. calls.Skip(count).Where(c => c.Kind == CallKind.Free).Select(c => c.Address)];
        int inPlace = Enumerable.Range(0, count).Count(i => blocks[i].Address == first[i]);
        int survivors = first.Count(a => !replaced.Contains(a));
        Assert.True(survivors > 0);
        Assert.True(inPlace < survivors / 4 + 2, $"{inPlace} of {survivors} surviving blocks are where they were allocated");
        // Survivors of the first half of the allocations end up in both halves of the array (both threads' runs).
        HashSet<nint> firstHalf = [.. first.Take(count / 2)];
        Assert.Contains(blocks.Skip(count / 2), b => firstHalf.Contains(b.Address));
        foreach (Allocators.Block b in blocks)
        {
            log.Allocator.Free(b);
        }
        Run.AssertEveryBlockFreedOnce(log.Calls);
    }

    [Fact]
    public void EachThreadMakesItsReplacementsThenASuccessorCarriesOn()
    {
        const int chunks = 40, rounds = 2;
        (WorkloadResult result, IReadOnlyList<Call> calls) = Run.Logged("larson", 2, "uniform:8-999", new() { ["duration_ms"] = 300, ["chunks"] = chunks, ["rounds"] = rounds });
        int me = CallLog.CurrentThread;
        List<Call[]> workers = [.. calls.Where(c => c.Thread != me).GroupBy(c => c.Thread).Select(g => g.ToArray())];
        Assert.Equal(workers.Count, result.Metrics["threads_started"]);
        Assert.True(workers.Count > 2, $"only {workers.Count} threads: no successor started");
        // Every thread makes free + malloc pairs, at most rounds x chunks of them; all but each lineage's last make all.
        Assert.All(workers, w => Assert.True(w.Length % 2 == 0 && w.Length <= 2 * rounds * chunks));
        Assert.True(workers.Count(w => w.Length == 2 * rounds * chunks) >= workers.Count - 2);
        Assert.Equal(result.Operations, workers.Sum(w => w.Length / 2));
        Dictionary<nint, int> allocatedBy = [];
        foreach (Call c in calls)
        {
            if (c.Kind == CallKind.Malloc)
            {
                allocatedBy[c.Address] = c.Thread;
                Assert.InRange(c.Size, (nuint)8, (nuint)999);
            }
            else if (c.Thread != me && allocatedBy[c.Address] != me)
            {
                // Written by the worker that made it: 'a', 'b', then what malloc left.
                Assert.Equal(new byte[] { (byte)'a', (byte)'b', CallLog.Fresh }, c.Content![..3]);
            }
        }
        // Blocks are freed by threads other than the one that allocated them.
        Assert.Contains(calls, c => c.Kind == CallKind.Free && c.Thread != me && allocatedBy[c.Address] != me && allocatedBy[c.Address] != c.Thread);
        Run.AssertEveryBlockFreedOnce(calls);
    }

    [Fact]
    public void EachThreadSaysItIsEnding_AfterItsLastCall_AndBeforeItsSuccessorsFirst()
    {
        const int lineages = 2;
        (_, CallLog log) = Run.WithLog("larson", lineages, "uniform:8-999", new() { ["duration_ms"] = 60, ["chunks"] = 40, ["rounds"] = 2 });
        IReadOnlyList<Call> calls = log.Calls;
        IReadOnlyList<(long Position, int Thread)> endings = log.Endings;
        int me = CallLog.CurrentThread;
        List<Call[]> workers = [.. calls.Where(c => c.Thread != me).GroupBy(c => c.Thread).Select(g => g.ToArray()).OrderBy(w => w[0].Order)];
        Assert.True(workers.Count > 2 * lineages, $"only {workers.Count} threads");
        // Each worker says it is ending once, after its last call.
        Assert.All(workers, w => Assert.True(Assert.Single(endings, e => e.Thread == w[0].Thread).Position > w[^1].Order));
        // A thread's successor starts after that thread's ending: the k-th worker to start (counting from 0) comes after
        // at least k + 1 - lineages endings, one for each earlier worker that was not the first of its lineage.
        for (int k = 0; k < workers.Count; k++)
        {
            long first = workers[k][0].Order;
            Assert.True(endings.Count(e => e.Position <= first) >= k + 1 - lineages, $"worker {k} started before its predecessor said it was ending");
        }
    }
}
