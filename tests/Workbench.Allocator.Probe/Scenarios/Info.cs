using static Workbench.Allocator.Probe.Report;

namespace Workbench.Allocator.Probe.Scenarios;

/// <summary>Allocates and frees one block, and reports the settings the process started with: checked mode, ownership and the mmap threshold.</summary>
internal static unsafe class Info
{
    public static void Run()
    {
        void* p = CfaMalloc.Malloc(8);
        Put("IS_CHECKED", CfaMalloc.IsChecked);
        Put("HAS_OWNERSHIP", CfaMalloc.HasOwnership);
        Put("MMAP_THRESHOLD", CfaMalloc.MmapThreshold);
        CfaMalloc.Free(p);
    }
}
