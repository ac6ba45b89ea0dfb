using static Workbench.Allocator.Probe.Report;

namespace Workbench.Allocator.Probe.Scenarios;

/// <summary>
/// A thread allocates and frees 50 blocks and exits; reports whether the next thread takes over its heap (no new
/// heap) and how many of its free blocks it gets.
/// </summary>
internal static unsafe class HeapReuse
{
    public static void Run()
    {
        const int N = 50;
        const nuint Size = 2000;
        var first = new nint[N];
        var a = new Thread(() =>
        {
            for (int i = 0; i < N; i++)
                first[i] = (nint)CfaMalloc.Malloc(Size);
            foreach (nint p in first)
                CfaMalloc.Free((void*)p);
        });
        a.Start();
        a.Join();
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        GC.WaitForPendingFinalizers();
        var s0 = CfaMalloc.GetStatistics();
        Put("EXITED_BEFORE_B", s0.ThreadsExited);
        var set = first.ToHashSet();
        int reused = 0;
        var b = new Thread(() =>
        {
            var again = new nint[N];
            for (int i = 0; i < N; i++)
                again[i] = (nint)CfaMalloc.Malloc(Size);
            reused = again.Count(set.Contains);
            foreach (nint p in again)
                CfaMalloc.Free((void*)p);
        });
        b.Start();
        b.Join();
        var s1 = CfaMalloc.GetStatistics();
        Put("STARTED_DELTA", s1.ThreadsStarted - s0.ThreadsStarted);
        Put("HEAPS_NEW_DELTA", s1.HeapsNew - s0.HeapsNew);
        Put("HEAPS_REUSED_DELTA", s1.HeapsReused - s0.HeapsReused);
        Put("REUSED_BLOCKS", reused);
    }
}
