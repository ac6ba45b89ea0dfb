using System.Runtime.CompilerServices;

namespace Workbench.Allocator;

/// <summary>
/// Freeing below the public interface: the slow path of Free, the return of a block to a
/// bucket (local, remote or, without ownership, the freeing thread's own), and unmapping.
/// The fast path of Free is inlined in <see cref="CfaMalloc.Free"/>.
/// </summary>
internal static unsafe class FreePaths
{
    /// <summary>
    /// The slow path of Free: null, first call of a thread, aligned, mmap'd or remote blocks. <paramref name="heap"/> is
    /// the caller's heap as the fast path read it (null: none yet, or not read), so that a remote free, the common case
    /// here, does not read the thread-local slot again from a method that is not inlined (through __tls_get_addr).
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    internal static void FreeSlow(void* data, ThreadHeap* heap)
    {
        if (heap == null)
            heap = HeapPool.Acquire();
        if (data == null)
        {
            if (heap != null)
            {
                RoutineTally* zero = ThreadHeap.Tally(heap, Routine.Free);
                zero->Calls++;
                zero->ZeroCalls++;
            }
            return;
        }
        // The common case here: a block of a bucket this heap already sends blocks to (BlockValidation.IsKnownRemote).
        if (heap != null && BlockValidation.IsKnownRemote(data, heap, out BlockHeader* header, out Bucket* bucket, out int index))
        {
            CountFree(heap, header->Size, SizeClasses.BlockSize(index));
            heap->RemotePushes++;
            RemoteChain.Append(heap, index, bucket, header);
            return;
        }
        if (BlockValidation.Check(data, heap, out BlockHeader* real, out string detail) is HeapProblem problem)
            throw new HeapCorruptionException(problem, (nuint)data, detail);
        FreeBlock(heap, real);
    }

    /// <summary>
    /// Counts a Free of the block with real header <paramref name="real"/> and releases it.
    /// Only the real header is read, so checked mode may scrub the data (and a fake header) first.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void FreeBlock(ThreadHeap* heap, BlockHeader* real)
    {
        if (heap != null)
            CountFree(heap, real->Size, real->BlockBytes);
        ReleaseBlock(heap, real);
    }

    /// <summary>Counts a Free of <paramref name="requested"/> bytes in a block of <paramref name="blockBytes"/> in <paramref name="heap"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void CountFree(ThreadHeap* heap, nuint requested, nuint blockBytes)
    {
        RoutineTally* tally = ThreadHeap.Tally(heap, Routine.Free);
        tally->Calls++;
        tally->Requested += (long)requested;
        tally->Allocated += (long)blockBytes;
    }

    /// <summary>
    /// Returns a block to where the policy says: its mapping to the mapping cache or the OS, its bucket in the
    /// owner's heap (local push or remote CAS push), or, without ownership, the freeing
    /// heap's bucket of the same size. <paramref name="heap"/> is the calling thread's heap
    /// (null only if it could not be made, when the block goes home through the remote list).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void ReleaseBlock(ThreadHeap* heap, BlockHeader* real)
    {
        nuint word = real->Word;
        if ((word & BlockHeader.MmapFlag) != 0)
        {
            ReleaseMapping(heap, real, word & ~BlockHeader.FlagMask);
            return;
        }

        var bucket = (Bucket*)(word & ~BlockHeader.FlagMask);
        if ((word & BlockHeader.LargeFlag) != 0 && ReleaseLarge(heap, bucket, real))
            return;
        if (heap != null && ThreadHeap.Owns(heap, bucket))
        {
            PushLocal(bucket, real);
        }
        else if (heap == null)
        {
            real->Size = BlockHeader.FreedMark;
            ThreadHeap.PushRemote(bucket, real, real);
        }
        else if (Policy.Ownership)
        {
            heap->RemotePushes++;
            RemoteChain.Add(heap, bucket, real);
        }
        else
        {
            PushLocal(ThreadHeap.BucketOf(heap, ThreadHeap.IndexOf(bucket)), real);
        }
    }

    /// <summary>
    /// Gives <paramref name="bytes"/> of mapping at <paramref name="mapping"/> (a freed block's whole mapping, or the
    /// tail a shrinking realloc cut off one) to the mapping cache, or back to the OS, counted in
    /// <paramref name="heap"/> when it has one, when the cache does not take them.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void ReleaseMapping(ThreadHeap* heap, void* mapping, nuint bytes)
    {
        // A freed block's mapping goes to the cache marked, so that a second free of it is seen (a tail cut off by
        // realloc gets the mark too, harmlessly: it is no block's header).
        ((BlockHeader*)mapping)->Size = BlockHeader.FreedMark;
        if (MappingCache.TryKeep(mapping, bytes))
            return;
        OsMemory.Unmap(mapping, bytes);
        if (heap != null)
        {
            heap->UnmapCalls++;
            heap->UnmapBytes += (long)bytes;
        }
    }

    /// <summary>
    /// Frees a bucket block that realloc grew past the mmap threshold (<see cref="BlockHeader.LargeFlag"/>) the way a
    /// mapped block is freed, giving its memory back: to the bump area when it is its heap's last block carved (returns
    /// true: nothing more to do), else to the OS, its whole pages decommitted before it goes on its free list (returns
    /// false: the caller pushes it). Checked mode keeps freed blocks scrubbed and checks them later, so there it is
    /// pushed as it is.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool ReleaseLarge(ThreadHeap* heap, Bucket* bucket, BlockHeader* real)
    {
        if (Policy.Checked)
            return false;
        nuint bytes = SizeClasses.BlockSize(ThreadHeap.IndexOf(bucket));
        if (heap != null && ThreadHeap.Owns(heap, bucket) && ThreadHeap.GiveBackLastCarved(heap, real, bytes))
            return true;
        OsMemory.DecommitWholePages(real + 1, (byte*)real + bytes);
        return false;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void PushLocal(Bucket* bucket, BlockHeader* block)
    {
        block->Size = BlockHeader.Mark;
        block->Word = (nuint)bucket->FreeList;
        bucket->FreeList = block;
    }
}
