using System.Runtime.CompilerServices;

namespace Workbench.Allocator;

/// <summary>
/// MallocTrim: gives back to the OS the whole pages of the runs of free blocks of the heaps it may touch, headers
/// included (the blocks whose header went become ranges the heap carves from again, its trimmed extents,
/// <see cref="TrimmedExtents"/>), the whole pages inside the free blocks on other heaps' remote lists, which stay where
/// they are (the pages read as zeros when next touched), the prefaulted pages of bump areas that no block uses yet, and
/// the cached mappings of freed large blocks.
/// </summary>
/// <remarks>
/// The free blocks it sees: the free and remote lists of the caller's heap and of every pooled heap, whose blocks it
/// takes into extents where their header's page goes; the remote lists of the heaps live threads own (blocks other
/// threads freed, waiting for their owner), taken off in one exchange, trimmed inside and put back, so that an owner,
/// which takes them the same way, never finds one half-trimmed (only an owner takes its heap's blocks into extents);
/// and the caller's own outgoing chains, which it sends home first. It cannot see the free lists of heaps that other
/// live threads own, nor their outgoing chains (at most <see cref="RemoteChain"/>'s batch per size class): only their
/// owners touch those.
/// </remarks>
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
        var keep = new TrimPad(pad);
        long released = 0;
        using (HeapPool.HeapLock.Hold())
        {
            // Threads that have ended give their heaps to the pool first, so their free blocks are trimmed too: in a .NET
            // program an exit is otherwise noticed only when a collection runs the thread's finalizer.
            HeapPool.ReclaimExitedLocked();
            // Pooled heaps have no owner while the heap lock is held (Acquire takes it), so
            // their free lists are safe to walk; the caller's own heap is its own.
            if (mine != null)
                released += TrimHeap(mine, ref keep);
            for (ThreadHeap* h = HeapPool.FreeHeaps; h != null; h = h->NextFree)
                released += TrimHeap(h, ref keep);
            for (ThreadHeap* h = HeapPool.AllHeaps; h != null; h = h->NextInPool)
                released += TrimRemote(h, ref keep);
            released += MappingCache.Release();
            if (released > 0)
                HeapPool.CountTrim(released);
        }
        return released;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static long TrimHeap(ThreadHeap* heap, ref TrimPad keep)
    {
        // A cycle in a free list would keep the walk below from ending: debug builds check the heap first (release
        // builds bound the walk, TrimmedExtents.Release).
        HeapInvariants.Assert(HeapInvariants.Check(heap));
        long released = 0;
        // Runs of free blocks give back their whole pages, the blocks whose headers lie there kept as extents; only if a
        // mapping cannot be had are the blocks of a page or more trimmed where they are, their header pages kept.
        long fromRuns = TrimmedExtents.Release(heap, ref keep);
        if (fromRuns >= 0)
        {
            released += fromRuns;
        }
        else
        {
            for (int i = SizeClasses.s_count - 1; i >= 0; i--)
            {
                if (!SizeClasses.HoldsWholePages(i))
                    continue;
                Bucket* bucket = ThreadHeap.BucketOf(heap, i);
                released += TrimList(bucket->FreeList, bucket->BlockSize, ref keep, out _);
            }
        }
        released += TrimPrefaulted(heap, ref keep);
        return released;
    }

    /// <summary>
    /// Trims the free list from <paramref name="first"/> (blocks of <paramref name="blockBytes"/> bytes), keeping the
    /// headers, which hold the links; <paramref name="last"/> is its last block.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static long TrimList(BlockHeader* first, nuint blockBytes, ref TrimPad keep, out BlockHeader* last)
    {
        long released = 0;
        last = null;
        for (BlockHeader* b = first; b != null; b = (BlockHeader*)b->Word)
        {
            last = b;
            if (!keep.Keeps(blockBytes))
                released += (long)OsMemory.DecommitWholePages(b + 1, (byte*)b + blockBytes);
        }
        return released;
    }

    /// <summary>
    /// Trims the blocks waiting on <paramref name="heap"/>'s remote lists: each list is taken in one exchange, as its
    /// owner takes it, trimmed while no other thread can reach it, and pushed back, as other threads push.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static long TrimRemote(ThreadHeap* heap, ref TrimPad keep)
    {
        long released = 0;
        for (int i = SizeClasses.s_count - 1; i >= 0; i--)
        {
            if (!SizeClasses.HoldsWholePages(i))
                continue;
            Bucket* bucket = ThreadHeap.BucketOf(heap, i);
            BlockHeader* first = ThreadHeap.TakeRemoteList(heap, i);
            if (first == null)
                continue;
            released += TrimList(first, bucket->BlockSize, ref keep, out BlockHeader* last);
            ThreadHeap.PushRemote(bucket, first, last);
        }
        return released;
    }

    /// <summary>
    /// Gives back the pages of the bump area that prefaulting made resident and no block uses yet (past the page
    /// the next block starts in), once the pad is kept; the heap prefaults them again when it carves there.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static long TrimPrefaulted(ThreadHeap* heap, ref TrimPad keep)
    {
        nuint bytes = ThreadHeap.PrefaultedUnused(heap);
        if (bytes != 0 && keep.Keeps(bytes))
            return 0;
        return (long)ThreadHeap.DecommitPrefaulted(heap);
    }
}
