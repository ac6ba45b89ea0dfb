using static Workbench.Allocator.Probe.Report;

namespace Workbench.Allocator.Probe.Scenarios;

/// <summary>Reports what <see cref="CfaMalloc.Unfreed"/> does in a process that is not in checked mode.</summary>
internal static unsafe class UnfreedUnchecked
{
    public static void Run()
    {
        void* p = CfaMalloc.Malloc(10);
        Put("IS_CHECKED", CfaMalloc.IsChecked);
        Catch("UNFREED", () => CfaMalloc.Unfreed());
        CfaMalloc.Free(p);
    }
}
