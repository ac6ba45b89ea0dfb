using System.Runtime.CompilerServices;

namespace Workbench.Allocator;

/// <summary>
/// MallocTrim: gives back to the OS the whole pages inside free blocks, which stay on their
/// free lists (the pages read as zeros when next touched), the prefaulted pages of bump areas that no block
/// uses yet, and the cached mappings of freed large blocks.
/// </summary>
internal static unsafe class Trimming
{
    /// <summary>
    /// Trims the calling thread's heap and every pooled heap, keeping the first
    /// <paramref name="pad"/> bytes of free blocks untouched. Returns the bytes released.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static long Trim(nuint pad)
    {
        if (Policy.Checked)
            return 0; // freed storage is scrubbed and checked for writes after free
        ThreadHeap* mine = CurrentHeap.Heap;
        // Blocks this thread freed for other heaps go home first, where their owners can reuse them.
        if (mine != null)
            RemoteChain.FlushAll(mine);
        nuint kept = 0;
        long released = 0;
        using (HeapPool.HeapLock.Hold())
        {
            // Pooled heaps have no owner while the heap lock is held (Acquire takes it), so
            // their free lists are safe to walk; the caller's own heap is its own.
            if (mine != null)
                released += TrimHeap(mine, pad, ref kept);
            for (ThreadHeap* h = HeapPool.FreeHeaps; h != null; h = h->NextFree)
                released += TrimHeap(h, pad, ref kept);
            released += MappingCache.Release();
            if (released > 0)
                HeapPool.CountTrim(released);
        }
        return released;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static long TrimHeap(ThreadHeap* heap, nuint pad, ref nuint kept)
    {
        // A cycle in a free list would keep the walk below from ending: debug builds check the heap first.
        HeapInvariants.Assert(HeapInvariants.Check(heap));
        nuint page = OsMemory.s_pageSize;
        long released = 0;
        for (int i = SizeClasses.s_count - 1; i >= 0; i--)
        {
            Bucket* bucket = ThreadHeap.BucketOf(heap, i);
            if (bucket->BlockSize < 2 * page)
                break; // smaller blocks hold no whole page past their header
            for (BlockHeader* b = bucket->FreeList; b != null; b = (BlockHeader*)b->Word)
            {
                if (kept < pad)
                {
                    kept += bucket->BlockSize;
                    continue;
                }
                released += (long)OsMemory.DecommitWholePages(b + 1, (byte*)b + bucket->BlockSize);
            }
        }
        released += TrimPrefaulted(heap, pad, ref kept);
        return released;
    }

    /// <summary>
    /// Gives back the pages of the bump area that prefaulting made resident and no block uses yet (past the page
    /// the next block starts in), once the pad is kept; the heap prefaults them again when it carves there.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static long TrimPrefaulted(ThreadHeap* heap, nuint pad, ref nuint kept)
    {
        var unused = (byte*)OsMemory.RoundUpToPage((nuint)heap->BumpNext);
        if (heap->PrefaultedEnd <= unused)
            return 0;
        var bytes = (nuint)(heap->PrefaultedEnd - unused);
        if (kept < pad)
        {
            kept += bytes;
            return 0;
        }
        if (!OsMemory.Decommit(unused, bytes))
            return 0;
        heap->PrefaultedEnd = unused;
        return (long)bytes;
    }
}
