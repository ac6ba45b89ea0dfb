using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Workbench.Allocator;

/// <summary>
/// Allocation below the public interface: the general (slow) path that every allocating
/// routine shares, large blocks, aligned layout and zero fill. The fast path of Malloc is
/// inlined in <see cref="CfaMalloc.Malloc"/>; everything here is out of line.
/// </summary>
internal static unsafe class AllocPaths
{
    /// <summary>
    /// Allocates, lays out and counts a block: the general path of every allocating routine.
    /// <paramref name="alignment"/> is a power of two; 16 or less means the default layout.
    /// Returns null with <see cref="CfaMalloc.LastError"/> set on failure.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    internal static void* Allocate(nuint size, nuint alignment, bool zeroFill, Routine routine)
    {
        ThreadHeap* heap = HeapPool.Acquire();
        if (heap == null)
            return Errno.Fail(Errno.ENOMEM);
        void* data = AllocateUncounted(heap, size, alignment, zeroFill);
        if (data == null)
            return null;
        RoutineTally* tally = ThreadHeap.Tally(heap, routine);
        tally->Calls++;
        if (size == 0)
            tally->ZeroCalls++;
        tally->Requested += (long)size;
        tally->Allocated += (long)BlockHeader.RealOf(data)->BlockBytes;
        return data;
    }

    /// <summary>
    /// <see cref="Allocate"/> without the counters, for routines that count the call their own
    /// way (realloc and resize moves).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void* AllocateUncounted(ThreadHeap* heap, nuint size, nuint alignment, bool zeroFill)
    {
        if (size > SizeClasses.MaxRequest || alignment > SizeClasses.MaxRequest)
            return Errno.Fail(Errno.ENOMEM);
        // A 64-byte alignment of a small request: a naturally aligned class's block, its data aligned already. Any other
        // aligned block needs room for the fake header and for sliding the data to the boundary: the data lands at
        // most 'alignment' bytes past the natural position.
        bool natural = SizeClasses.IsNatural(alignment, size);
        bool aligned = !natural && alignment > SizeClasses.HeaderSize;
        nuint payload = aligned ? size + alignment : size;
        bool freshMapping = false;
        BlockHeader* real = natural ? TakeBlock(heap, SizeClasses.NaturalBucket(size)) : AllocateBlock(heap, payload, zeroFill, out freshMapping);
        if (real == null)
            return Errno.Fail(Errno.ENOMEM);

        void* data;
        if (aligned)
        {
            nuint first = (nuint)real + 2 * (nuint)SizeClasses.HeaderSize;
            data = (void*)((first + alignment - 1) & ~(alignment - 1));
            BlockHeader.WriteFake(data, real, real->Word, alignment);
        }
        else
        {
            data = real + 1;
        }
        real->Size = size;
        if (zeroFill)
        {
            // Fresh mappings are zero already; bucket blocks and reused mappings are not.
            if (!freshMapping)
                BulkMemory.Clear(data, size);
            real->Word |= BlockHeader.ZeroFlag;
        }
        return data;
    }

    /// <summary>
    /// A block with at least <paramref name="payload"/> bytes after its header, from a bucket
    /// or its own mapping; its header's word is set, its size is not. Null when memory is exhausted.
    /// <paramref name="freshMapping"/> says the block is a new mapping from the OS (all zeros);
    /// <paramref name="zeroFill"/> says the caller will rely on that (a fresh mapping is then not prefaulted).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static BlockHeader* AllocateBlock(ThreadHeap* heap, nuint payload, bool zeroFill, out bool freshMapping)
    {
        freshMapping = false;
        if (payload >= Tunables.s_mmapThreshold)
            return MapBlock(heap, payload, zeroFill, out freshMapping);
        return TakeBlock(heap, SizeClasses.Bucket(payload));
    }

    /// <summary>
    /// A block of bucket <paramref name="index"/>, from its free list or a refill; its header's word is set, its size
    /// is not. Null when memory is exhausted.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static BlockHeader* TakeBlock(ThreadHeap* heap, int index)
    {
        Bucket* bucket = ThreadHeap.BucketOf(heap, index);
        BlockHeader* block = PopVerified(bucket);
        if (block == null && (block = ThreadHeap.Refill(heap, bucket, Policy.Ownership)) == null)
            return null;
        block->Word = (nuint)bucket;
        ThreadHeap.BucketTallyOf(heap, index)->OtherTakes++;
        return block;
    }

    /// <summary>
    /// Pops <paramref name="bucket"/>'s free list (owner only) on a general path: null when it is empty. The block must
    /// carry the freed mark, in every mode (as <see cref="ThreadHeap.Take"/> demands on the fast paths), and in checked
    /// mode the link it leaves must lead to a free block too; otherwise a free block's header was written, and
    /// <see cref="HeapCorruptionException"/> says where, instead of a block at an address the program wrote.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static BlockHeader* PopVerified(Bucket* bucket)
    {
        BlockHeader* head = bucket->FreeList;
        if (head != null && (Policy.Checked || head->Size != BlockHeader.FreedMark)
            && BlockValidation.CheckTaken(head, bucket->BlockSize) is string broken)
            throw new HeapCorruptionException(HeapProblem.HeaderOverwritten, (nuint)(head + 1), broken);
        return ThreadHeap.Pop(bucket);
    }

    /// <summary>
    /// A block with its own mapping: a freed one from the cache if one fits, else a new one. A new mapping of
    /// bucket size (up to 4 MiB) is prefaulted whole, as a block carved from a bump area is, unless the block
    /// zero-fills: a calloc'd mapping is already zero, and its caller may touch only part of it.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static BlockHeader* MapBlock(ThreadHeap* heap, nuint payload, bool zeroFill, out bool fresh)
    {
        fresh = false;
        nuint bytes = OsMemory.RoundUpToPage(payload + SizeClasses.HeaderSize);
        if (bytes == 0)
            return null;
        var block = (BlockHeader*)MappingCache.Take(bytes, out nuint cached);
        if (block != null)
        {
            block->Word = cached | BlockHeader.MmapFlag;
            return block;
        }
        block = (BlockHeader*)OsMemory.Map(bytes);
        if (block == null)
            return null;
        MappingCache.Lent(bytes);
        fresh = true;
        if (!zeroFill && payload <= SizeClasses.MaxPayload && Tunables.s_prefault != 0)
            ThreadHeap.Populate(heap, (byte*)block, bytes);
        block->Word = bytes | BlockHeader.MmapFlag;
        heap->MapCalls++;
        heap->MapBytes += (long)bytes;
        return block;
    }

    /// <summary>The slow path of Malloc: first call of a thread, size 0, large sizes, empty bucket.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    internal static void* MallocSlow(nuint size) => Allocate(size, SizeClasses.HeaderSize, false, Routine.Malloc);
}
