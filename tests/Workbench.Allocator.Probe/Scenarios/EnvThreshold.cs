using static Workbench.Allocator.Probe.Report;

namespace Workbench.Allocator.Probe.Scenarios;

/// <summary>Reports the mmap threshold the process started with and how many mappings a request just below it and one at it made.</summary>
internal static unsafe class EnvThreshold
{
    public static void Run()
    {
        nuint t = CfaMalloc.MmapThreshold;
        Put("MMAP_THRESHOLD", t);
        // Warm the bucket below the threshold so that its allocation needs no OS call at all.
        void* w = CfaMalloc.Malloc(t - 1);
        CfaMalloc.Free(w);
        var s0 = CfaMalloc.GetStatistics();
        void* below = CfaMalloc.Malloc(t - 1);
        var s1 = CfaMalloc.GetStatistics();
        void* at = CfaMalloc.Malloc(t);
        var s2 = CfaMalloc.GetStatistics();
        Put("BELOW_MMAP_DELTA", s1.MmapCalls - s0.MmapCalls);
        Put("AT_MMAP_DELTA", s2.MmapCalls - s1.MmapCalls);
        CfaMalloc.Free(below);
        CfaMalloc.Free(at);
    }
}
