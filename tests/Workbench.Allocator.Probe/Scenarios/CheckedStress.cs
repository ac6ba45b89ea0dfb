using Workbench.Allocator.Testing;
using static Workbench.Allocator.Probe.Report;

namespace Workbench.Allocator.Probe.Scenarios;

/// <summary>Runs the stress workload on three threads and reports its errors, the bytes left in use and the blocks listed unfreed.</summary>
internal static unsafe class CheckedStress
{
    public static void Run()
    {
        Put("IS_CHECKED", CfaMalloc.IsChecked);
        void* warm = CfaMalloc.Malloc(1);
        CfaMalloc.Free(warm);
        var s0 = CfaMalloc.GetStatistics();
        var r = StressWorkload.Run(3, 20_000, 7, maxLivePerThread: 200, fillUsable: false);
        var s1 = CfaMalloc.GetStatistics();
        Put("OPERATIONS", r.Operations);
        Put("ERRORS", r.Errors.Count);
        foreach (var e in r.Errors)
            Put("ERROR", e);
        Put("CROSS_THREAD_FREES", r.CrossThreadHeapFrees);
        Put("INUSE_DELTA", s1.BytesInUse - s0.BytesInUse);
        Put("UNFREED", CfaMalloc.Unfreed().Count);
    }
}
