using Workbench.Allocator.Testing;
using Xunit.Abstractions;

namespace Workbench.Allocator.Tests;

/// <summary>The multi-threaded stress with ownership on (in this process).</summary>
public class StressTests(ITestOutputHelper output)
{
    [Fact]
    public void FourThreads_RandomOperationsWithHandOffs_NoCorruptionAndConsistentStatistics()
    {
        Assert.True(CfaMalloc.HasOwnership);
        var s0 = CfaMalloc.GetStatistics();
        // Every worker checks its own heap's invariants as it goes (the owner's view: its lists, chains and counters).
        var r = StressWorkload.Run(threads: 4, operationsPerThread: 400_000, seed: 20261126, checkHeap: CheckOwnHeap);
        var s1 = CfaMalloc.GetStatistics();
        output.WriteLine($"{r.Operations} operations in {r.Elapsed.TotalSeconds:F1} s; {r.BytesVerified >> 20} MiB verified; " +
            $"{r.Reallocs}/{r.AlignedReallocs}/{r.Resizes}/{r.AlignedResizes} realloc/aligned realloc/resize/aligned resize; {r.HandOffs} hand-offs; {r.CrossThreadHeapFrees} cross-thread frees; pushes {s1.RemotePushes - s0.RemotePushes}; pulls {s1.RemotePulls - s0.RemotePulls}");

        Assert.True(r.Errors.IsEmpty, string.Join("\n", r.Errors));
        Assert.Equal(4L * 400_000, r.Operations);
        Assert.True(r.CrossThreadHeapFrees > 1000, $"the workload made only {r.CrossThreadHeapFrees} cross-thread frees");

        Assert.Equal(r.Mallocs, s1.Malloc.Calls - s0.Malloc.Calls);
        Assert.Equal(r.Callocs, s1.Calloc.Calls - s0.Calloc.Calls);
        Assert.Equal(r.Memaligns, s1.Memalign.Calls - s0.Memalign.Calls);
        Assert.Equal(r.Aallocs, s1.Aalloc.Calls - s0.Aalloc.Calls);
        Assert.Equal(r.Amemaligns, s1.Amemalign.Calls - s0.Amemalign.Calls);
        Assert.Equal(r.Cmemaligns, s1.Cmemalign.Calls - s0.Cmemalign.Calls);
        // Which counter AlignedRealloc and AlignedResize use is not said: each is one of the two.
        Assert.Equal(r.Reallocs + r.AlignedReallocs + r.Resizes + r.AlignedResizes,
            s1.Realloc.Calls - s0.Realloc.Calls + (s1.Resize.Calls - s0.Resize.Calls));
        Assert.True(s1.Realloc.Calls - s0.Realloc.Calls >= r.Reallocs);
        Assert.True(s1.Resize.Calls - s0.Resize.Calls >= r.Resizes);
        Assert.Equal(r.Frees, s1.Free.Calls - s0.Free.Calls);
        long allocations = r.Mallocs + r.Callocs + r.Memaligns + r.Aallocs + r.Amemaligns + r.Cmemaligns;
        Assert.Equal(allocations, r.Frees);

        Assert.True(s1.RemotePushes - s0.RemotePushes >= r.CrossThreadHeapFrees,
            $"{r.CrossThreadHeapFrees} frees of other threads' heap blocks but {s1.RemotePushes - s0.RemotePushes} remote pushes");
        Assert.True(s1.RemotePulls - s0.RemotePulls >= 1, "the owners never took their remote lists");
        Assert.Equal(s0.BytesInUse, s1.BytesInUse);
    }

    [Fact]
    public void Trimming_BesideThreadsThatAllocateHandOffAndEnd_KeepsEveryBlockIntact()
    {
        // Waves of three threads run the stress (every block's contents checked, each worker checking its own heap),
        // end, and leave their heaps to the pool, which the next wave takes; all the while another thread trims every
        // millisecond: the pooled heaps (their free blocks taken into extents, which the next owners carve again), the
        // live heaps' remote lists, and the heaps of threads that have just ended.
        var s0 = CfaMalloc.GetStatistics();
        long operations = 0, trims;
        using (var trimmer = new TrimmerThread(pauseMs: 1))
        {
            for (int wave = 0; wave < 6; wave++)
            {
                var r = StressWorkload.Run(threads: 3, operationsPerThread: 50_000, seed: 20261205 + wave, checkHeap: CheckOwnHeap);
                Assert.True(r.Errors.IsEmpty, $"wave {wave}: " + string.Join("\n", r.Errors));
                operations += r.Operations;
            }
            trims = trimmer.Trims;
        }
        var s1 = CfaMalloc.GetStatistics();
        output.WriteLine($"{operations} operations beside {trims} trims; {s1.TrimBytes - s0.TrimBytes:N0} B given back; heaps reused {s1.HeapsReused - s0.HeapsReused}");
        Assert.True(trims >= 20, $"only {trims} trims ran beside the waves");
        Assert.True(s1.TrimBytes > s0.TrimBytes, "the trims gave nothing back");
        Assert.True(s1.HeapsReused - s0.HeapsReused >= 3, "the waves did not take over pooled heaps");
    }

    private static unsafe string? CheckOwnHeap()
    {
        ThreadHeap* heap = CurrentHeap.Heap;
        return heap == null ? "the worker has no heap" : HeapInvariants.Check(heap);
    }
}
