using static Workbench.Allocator.Probe.Report;

namespace Workbench.Allocator.Probe.Scenarios;

/// <summary>
/// A thread frees 48 blocks of 64 KiB and exits, so that its heap goes to the pool; reports what MallocTrim gives
/// back with a huge pad, with half the blocks' worth and with none, and whether the trimmed blocks still work.
/// </summary>
internal static unsafe class TrimPooled
{
    public static void Run()
    {
        const int N = 48;
        const nuint Size = 64 * 1024;
        ExitedThread.FreeBlocks(N, Size);
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        GC.WaitForPendingFinalizers();
        var s0 = CfaMalloc.GetStatistics();
        Put("TRIM_HUGE_PAD", CfaMalloc.MallocTrim(nuint.MaxValue / 2));
        var s1 = CfaMalloc.GetStatistics();
        Put("TRIM_HALF_PAD", CfaMalloc.MallocTrim(N / 2 * Size));
        var sHalf = CfaMalloc.GetStatistics();
        Put("TRIM_ZERO_PAD", CfaMalloc.MallocTrim(0));
        var s2 = CfaMalloc.GetStatistics();
        Put("HUGE_PAD_TRIM_BYTES", s1.TrimBytes - s0.TrimBytes);
        Put("HALF_PAD_TRIM_BYTES", sHalf.TrimBytes - s1.TrimBytes);
        Put("ZERO_PAD_TRIM_BYTES", s2.TrimBytes - sHalf.TrimBytes);
        Put("ZERO_PAD_TRIM_CALLS", s2.TrimCalls - sHalf.TrimCalls);
        // The trimmed blocks are still good blocks.
        Put("REUSE_OK", ExitedThread.BlocksStillWork(N, Size));
    }
}
