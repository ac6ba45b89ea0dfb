using static Workbench.Allocator.Probe.Report;

namespace Workbench.Allocator.Probe.Scenarios;

/// <summary>
/// A thread frees 48 blocks of 64 KiB and exits; with no collection run (so its heap's finalizer has not run), reports
/// what MallocTrim gives back, the exits the statistics counted before and after, and whether the blocks still work.
/// </summary>
internal static unsafe class TrimExited
{
    public static void Run()
    {
        const int N = 48;
        const nuint Size = 64 * 1024;
        ExitedThread.FreeBlocks(N, Size);
        var s0 = CfaMalloc.GetStatistics();
        Put("TRIM", CfaMalloc.MallocTrim(0));
        var s1 = CfaMalloc.GetStatistics();
        Put("EXITED_BEFORE", s0.ThreadsExited);
        Put("EXITED_AFTER", s1.ThreadsExited);
        Put("TRIM_BYTES", s1.TrimBytes - s0.TrimBytes);
        // The trimmed blocks are good blocks for the next thread, which takes the exited thread's heap.
        bool ok = false;
        var next = new Thread(() => ok = ExitedThread.BlocksStillWork(N, Size));
        next.Start();
        next.Join();
        Put("REUSE_OK", ok);
        Put("HEAPS_REUSED", CfaMalloc.GetStatistics().HeapsReused - s1.HeapsReused);
    }
}
