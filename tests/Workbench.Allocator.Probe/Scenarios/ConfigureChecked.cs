using static Workbench.Allocator.Probe.Report;

namespace Workbench.Allocator.Probe.Scenarios;

/// <summary>
/// Turns checked mode on with <see cref="CfaMalloc.Configure"/> before the first allocation; reports that it took
/// effect (the scrub, a double free caught) and what a second call of Configure threw.
/// </summary>
internal static unsafe class ConfigureChecked
{
    public static void Run()
    {
        CfaMalloc.Configure(new AllocatorOptions { Checked = true });
        void* p = CfaMalloc.Malloc(64);
        Put("IS_CHECKED", CfaMalloc.IsChecked);
        Put("HAS_OWNERSHIP", CfaMalloc.HasOwnership);
        ScrubCheck("MALLOC_SCRUB", p, 64, 0xA5);
        CfaMalloc.Free(p);
        nint a = (nint)p;
        Catch("DOUBLE_FREE", () => CfaMalloc.Free((void*)a));
        Catch("CONFIGURE_AGAIN", () => CfaMalloc.Configure(new AllocatorOptions()));
    }
}
