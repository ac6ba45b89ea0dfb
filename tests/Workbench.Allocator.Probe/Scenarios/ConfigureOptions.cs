using static Workbench.Allocator.Probe.Report;

namespace Workbench.Allocator.Probe.Scenarios;

/// <summary>
/// Configures no ownership and a 128 KiB mmap threshold before the first allocation; reports the settings, how many
/// mappings a 128 KiB request made, and what a second call of Configure threw.
/// </summary>
internal static unsafe class ConfigureOptions
{
    public static void Run()
    {
        CfaMalloc.Configure(new AllocatorOptions { Ownership = false, MmapThreshold = 128 * 1024 });
        var s0 = CfaMalloc.GetStatistics();
        void* p = CfaMalloc.Malloc(128 * 1024);
        var s1 = CfaMalloc.GetStatistics();
        Put("IS_CHECKED", CfaMalloc.IsChecked);
        Put("HAS_OWNERSHIP", CfaMalloc.HasOwnership);
        Put("MMAP_THRESHOLD", CfaMalloc.MmapThreshold);
        Put("MMAP_DELTA", s1.MmapCalls - s0.MmapCalls);
        CfaMalloc.Free(p);
        Catch("CONFIGURE_AGAIN", () => CfaMalloc.Configure(new AllocatorOptions()));
    }
}
