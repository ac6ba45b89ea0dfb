using static Workbench.Allocator.Probe.Report;

namespace Workbench.Allocator.Probe.Scenarios;

/// <summary>
/// MallocStatsClear and the heap's own statistics, in a process of their own (a clear would disturb the statistics
/// of every other test in a shared one): 1,000 mallocs, a clear, 300 callocs on this thread while another thread
/// allocates 200 blocks and frees 50 of them; reports what the process and each thread's heap counted from the clear,
/// and the bytes in use, which a clear leaves as they are.
/// </summary>
internal static unsafe class StatisticsClear
{
    public static void Run()
    {
        var kept = new List<nint>();
        for (int i = 0; i < 1000; i++)
            kept.Add((nint)CfaMalloc.Malloc(64));
        long inUseBefore = CfaMalloc.GetStatistics().BytesInUse;
        CfaMalloc.MallocStatsClear();
        Put("IN_USE_KEPT", CfaMalloc.GetStatistics().BytesInUse == inUseBefore);
        var callocs = new List<nint>();
        for (int i = 0; i < 300; i++)
            callocs.Add((nint)CfaMalloc.Calloc(1, 100));
        long otherMallocs = -1, otherFrees = -1, otherCallocs = -1;
        var t = new Thread(() =>
        {
            var blocks = new List<nint>();
            for (int i = 0; i < 200; i++)
                blocks.Add((nint)CfaMalloc.Malloc(48));
            for (int i = 0; i < 50; i++)
                CfaMalloc.Free((void*)blocks[i]);
            AllocatorStatistics own = CfaMalloc.GetHeapStatistics();
            (otherMallocs, otherFrees, otherCallocs) = (own.Malloc.Calls, own.Free.Calls, own.Calloc.Calls);
        });
        t.Start();
        t.Join();
        AllocatorStatistics mine = CfaMalloc.GetHeapStatistics();
        Put("MINE_MALLOC", mine.Malloc.Calls);
        Put("MINE_CALLOC", mine.Calloc.Calls);
        Put("MINE_HEAPS", mine.Heaps);
        Put("OTHER_MALLOC", otherMallocs);
        Put("OTHER_FREE", otherFrees);
        Put("OTHER_CALLOC", otherCallocs);
        AllocatorStatistics process = CfaMalloc.GetStatistics();
        Put("PROCESS_MALLOC", process.Malloc.Calls);
        Put("PROCESS_CALLOC", process.Calloc.Calls);
        Put("PROCESS_FREE", process.Free.Calls);
        long before = process.BytesInUse;
        foreach (nint p in kept.Concat(callocs))
            CfaMalloc.Free((void*)p);
        // Frees of blocks allocated before the clear take their bytes out of use, as any free.
        Put("IN_USE_FELL_BY", before - CfaMalloc.GetStatistics().BytesInUse);
        Put("FREED_BLOCKS", kept.Count + callocs.Count);
    }
}
