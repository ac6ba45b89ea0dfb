namespace Workbench.Allocator;

/// <summary>
/// Where statistics count from: the snapshots <see cref="CfaMalloc.MallocStatsClear"/> took of the process and of each
/// heap. Clearing takes a snapshot instead of writing zeros into the counters, because each heap's owner increments
/// its counters without synchronization (that is what keeps them free of contention): a zero written by another thread
/// could be lost under an owner's increment. A snapshot is exact, and the counters stay the owners' alone.
/// </summary>
/// <remarks>
/// Invariant: <see cref="s_process"/> and <see cref="s_perHeap"/> are replaced together under <see cref="s_lock"/>,
/// and a reader takes both under it; before the first clear both are empty (the counters count from the start).
/// </remarks>
internal static unsafe class StatisticsBaseline
{
    private static readonly AllocatorLock s_lock = new();
    private static AllocatorStatistics? s_process;
    private static Dictionary<int, AllocatorStatistics> s_perHeap = [];

    /// <summary>Makes now the point every later snapshot counts from.</summary>
    internal static void Clear()
    {
        AllocatorStatistics process = AllocatorStatistics.Collect();
        var perHeap = new Dictionary<int, AllocatorStatistics>();
        // The list of heaps only grows at its head, and a heap's link never changes: it is walked without the heap
        // lock, which each snapshot takes.
        for (ThreadHeap* h = HeapPool.AllHeaps; h != null; h = h->NextInPool)
            perHeap[h->Id] = AllocatorStatistics.Collect(h);
        using (s_lock.Hold())
        {
            s_process = process;
            s_perHeap = perHeap;
        }
    }

    /// <summary>The statistics of the process since the last clear.</summary>
    internal static AllocatorStatistics Process()
    {
        AllocatorStatistics now = AllocatorStatistics.Collect();
        using (s_lock.Hold())
            return s_process is null ? now : now.Since(s_process);
    }

    /// <summary>The statistics of <paramref name="heap"/> since the last clear.</summary>
    internal static AllocatorStatistics Heap(ThreadHeap* heap)
    {
        AllocatorStatistics now = AllocatorStatistics.Collect(heap);
        using (s_lock.Hold())
            return s_perHeap.TryGetValue(heap->Id, out AllocatorStatistics? before) ? now.Since(before) : now;
    }
}
