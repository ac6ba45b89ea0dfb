using Workbench.Allocator.Testing;
using static Workbench.Allocator.Probe.Report;

namespace Workbench.Allocator.Probe.Scenarios;

/// <summary>
/// Runs the stress workload on four threads and reports its errors, its cross-thread frees, the remote pushes and
/// pulls, and whether the statistics' call counters match the operations it made.
/// </summary>
internal static unsafe class NoOwnershipStress
{
    public static void Run()
    {
        Put("HAS_OWNERSHIP", CfaMalloc.HasOwnership);
        void* warm = CfaMalloc.Malloc(1);
        CfaMalloc.Free(warm);
        var s0 = CfaMalloc.GetStatistics();
        var r = StressWorkload.Run(4, 100_000, 20261126);
        var s1 = CfaMalloc.GetStatistics();
        Put("OPERATIONS", r.Operations);
        Put("ERRORS", r.Errors.Count);
        foreach (var e in r.Errors)
            Put("ERROR", e);
        Put("CROSS_THREAD_FREES", r.CrossThreadHeapFrees);
        Put("PUSHES_DELTA", s1.RemotePushes - s0.RemotePushes);
        Put("PULLS_DELTA", s1.RemotePulls - s0.RemotePulls);
        Put("INUSE_DELTA", s1.BytesInUse - s0.BytesInUse);
        Put("MALLOC_CALLS_OK", s1.Malloc.Calls - s0.Malloc.Calls == r.Mallocs);
        Put("FREE_CALLS_OK", s1.Free.Calls - s0.Free.Calls == r.Frees);
        Put("REALLOC_CALLS_OK", s1.Realloc.Calls - s0.Realloc.Calls + (s1.Resize.Calls - s0.Resize.Calls) == r.Reallocs + r.AlignedReallocs + r.Resizes + r.AlignedResizes);
        Put("ELAPSED_MS", (long)r.Elapsed.TotalMilliseconds);
    }
}
