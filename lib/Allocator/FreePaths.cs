using System.Runtime.CompilerServices;

namespace Workbench.Allocator;

/// <summary>
/// Freeing below the public interface: the slow path of Free, the return of a block to a
/// bucket (local, remote or, without ownership, the freeing thread's own), and unmapping.
/// The fast path of Free is inlined in <see cref="CfaMalloc.Free"/>.
/// </summary>
internal static unsafe class FreePaths
{
    /// <summary>The slow path of Free: null, first call of a thread, aligned, mmap'd or remote blocks.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    internal static void FreeSlow(void* data)
    {
        ThreadHeap* heap = HeapPool.Acquire();
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
        FreeBlock(heap, BlockHeader.RealOf(data));
    }

    /// <summary>
    /// Counts a Free of the block with real header <paramref name="real"/> and releases it.
    /// Only the real header is read, so checked mode may scrub the data (and a fake header) first.
    /// </summary>
    internal static void FreeBlock(ThreadHeap* heap, BlockHeader* real)
    {
        if (heap != null)
        {
            RoutineTally* tally = ThreadHeap.Tally(heap, Routine.Free);
            tally->Calls++;
            tally->Requested += (long)real->Size;
            tally->Allocated += (long)real->BlockBytes;
        }
        ReleaseBlock(heap, real);
    }

    /// <summary>
    /// Returns a block to where the policy says: its mapping to the OS, its bucket in the
    /// owner's heap (local push or remote CAS push), or, without ownership, the freeing
    /// heap's bucket of the same size. <paramref name="heap"/> is the calling thread's heap
    /// (null only if it could not be made, when the block goes home through the remote list).
    /// </summary>
    internal static void ReleaseBlock(ThreadHeap* heap, BlockHeader* real)
    {
        nuint word = real->Word;
        if ((word & BlockHeader.MmapFlag) != 0)
        {
            nuint bytes = word & ~BlockHeader.FlagMask;
            OsMemory.Unmap(real, bytes);
            if (heap != null)
            {
                heap->UnmapCalls++;
                heap->UnmapBytes += (long)bytes;
            }
            return;
        }

        var bucket = (Bucket*)(word & ~BlockHeader.FlagMask);
        if (heap != null && ThreadHeap.Owns(heap, bucket))
        {
            PushLocal(bucket, real);
        }
        else if (Policy.Ownership || heap == null)
        {
            PushRemote(bucket, real);
            if (heap != null)
                heap->RemotePushes++;
        }
        else
        {
            PushLocal(ThreadHeap.BucketOf(heap, bucket->Index), real);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void PushLocal(Bucket* bucket, BlockHeader* block)
    {
        block->Word = (nuint)bucket->FreeList;
        bucket->FreeList = block;
    }

    /// <summary>Pushes onto the owner's remote list of the block's size class (a CAS loop).</summary>
    private static void PushRemote(Bucket* bucket, BlockHeader* block)
    {
        nint* head = ThreadHeap.RemoteHead(bucket->Heap, bucket->Index);
        nint old;
        do
        {
            old = Volatile.Read(ref *head);
            block->Word = (nuint)old;
        }
        while (Interlocked.CompareExchange(ref *head, (nint)block, old) != old);
    }
}
