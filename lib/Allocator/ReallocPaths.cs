using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Workbench.Allocator;

/// <summary>
/// Realloc and resize with the thesis's sticky rules: realloc keeps zero fill and alignment
/// (in place and moved) and zeroes grown tails of zero-filled blocks; resize keeps nothing
/// sticky and never copies.
/// </summary>
internal static unsafe class ReallocPaths
{
    /// <summary>
    /// Realloc. <paramref name="alignment"/> 0 keeps the block's alignment (the sticky rule);
    /// otherwise it is the new alignment (AlignedRealloc). Counts under <see cref="Routine.Realloc"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    internal static void* Realloc(void* data, nuint size, nuint alignment)
    {
        if (data == null)
            return AllocPaths.Allocate(size, Math.Max(alignment, SizeClasses.HeaderSize), false, Routine.Realloc);
        if (!Begin(data, size, Routine.Realloc, out ThreadHeap* heap, out RoutineTally* tally, out void* finished))
            return finished;

        BlockHeader* real = BlockHeader.RealOf(data);
        BlockHeader* fake = BlockHeader.Of(data);
        bool hasFake = fake != real;
        nuint oldSize = real->Size;
        bool zeroFill = (real->Word & BlockHeader.ZeroFlag) != 0;
        nuint newAlignment = alignment == 0 ? BlockHeader.AlignmentOf(data) : Math.Max(alignment, SizeClasses.HeaderSize);
        nuint usable = BlockHeader.UsableSize(data);

        // A naturally aligned block keeps its place only for the same alignment, and never changes bucket in place (the
        // bucket is its alignment).
        bool natural = !hasFake && real->IsNatural;
        bool layoutFits = natural ? newAlignment == SizeClasses.NaturalAlignment
            : newAlignment <= SizeClasses.HeaderSize || (hasFake && ((nuint)data & (newAlignment - 1)) == 0);
        // In place: by the thesis's rule (the block holds the new size and wastes at most half of it), or as the last
        // block carved from the bump area, which grows into the area or gives its tail back, with no copy.
        if (layoutFits && (StaysInPlace(size, usable) || (!natural && RebucketLastCarved(heap, tally, real, data, size))))
        {
            if (zeroFill && size > oldSize)
                BulkMemory.Clear((byte*)data + oldSize, size - oldSize);
            real->Size = size;
            if (hasFake)
                BlockHeader.WriteFake(data, real, real->Word, newAlignment);
            return data;
        }

        // A large block shrinking by more than half gives the tail of its mapping away and stays where it is.
        if (real->IsMapped && !hasFake && newAlignment <= SizeClasses.HeaderSize && size < usable && ShrinkLarge(heap, tally, real, size))
            return data;

        if (real->IsMapped && !hasFake && newAlignment <= SizeClasses.HeaderSize && size >= Tunables.s_mmapThreshold)
        {
            void* remapped = RemapLarge(heap, real, size, zeroFill);
            if (remapped != null)
            {
                tally->Allocated += (long)BlockHeader.RealOf(remapped)->BlockBytes;
                return remapped;
            }
        }

        void* moved = newAlignment <= SizeClasses.HeaderSize ? TakeLargeBucketBlock(heap, size) : null;
        if (moved == null)
            moved = AllocPaths.AllocateUncounted(heap, size, newAlignment, false);
        if (moved == null)
            return null; // the old block is intact; LastError is ENOMEM
        // The whole usable size moves, not only the request: malloc_usable_size lets a program use the slack (Redis's
        // strings do), and glibc's realloc keeps it too.
        BulkMemory.Copy(data, moved, Math.Min(usable, size));
        BlockHeader* movedReal = BlockHeader.RealOf(moved);
        if (zeroFill)
        {
            movedReal->Word |= BlockHeader.ZeroFlag;
            if (size > oldSize)
                BulkMemory.Clear((byte*)moved + oldSize, size - oldSize);
        }
        tally->Allocated += (long)movedReal->BlockBytes;
        ReleaseInternal(heap, real, size > usable);
        return moved;
    }

    /// <summary>
    /// The thesis's rule for realloc in place: the block holds <paramref name="size"/> bytes in its
    /// <paramref name="usable"/> bytes and wastes at most half of them. Realloc's fast path and its general path both ask here.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static bool StaysInPlace(nuint size, nuint usable) => size <= usable && usable <= 2 * size;

    /// <summary>
    /// Where a block goes that realloc moved away from (this heap's own bucket block of <paramref name="bytes"/>): when it
    /// <paramref name="grew"/> out of itself and is the last block carved, back to the bump area, and the answer is
    /// false; otherwise true: the caller frees it. Realloc's fast path and <see cref="ReleaseInternal"/> both ask here;
    /// the remarks of <see cref="ReleaseInternal"/> say why only blocks that grew go back.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static bool MustFreeMoved(ThreadHeap* heap, BlockHeader* real, nuint bytes, bool grew) =>
        !grew || !ThreadHeap.GiveBackLastCarved(heap, real, bytes);

    /// <summary>
    /// Resize: re-purposes the block for <paramref name="size"/> bytes with alignment
    /// <paramref name="alignment"/> (16 or less: the default). No copy; zero fill is dropped.
    /// In place when the block fits and already has the wanted layout, else free + allocate.
    /// Counts under <see cref="Routine.Resize"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    internal static void* Resize(void* data, nuint size, nuint alignment)
    {
        nuint wanted = Math.Max(alignment, SizeClasses.HeaderSize);
        if (data == null)
            return AllocPaths.Allocate(size, wanted, false, Routine.Resize);
        if (!Begin(data, size, Routine.Resize, out ThreadHeap* heap, out RoutineTally* tally, out void* finished))
            return finished;

        BlockHeader* real = BlockHeader.RealOf(data);
        BlockHeader* fake = BlockHeader.Of(data);
        bool hasFake = fake != real;
        nuint usable = BlockHeader.UsableSize(data);
        bool natural = !hasFake && real->IsNatural;
        bool layoutFits = natural ? wanted == SizeClasses.NaturalAlignment
            : wanted <= SizeClasses.HeaderSize ? !hasFake : hasFake && ((nuint)data & (wanted - 1)) == 0;
        // In place: the block holds the new size, or it is the last block carved from the bump area and changes bucket
        // (a naturally aligned one never does: its bucket is its alignment).
        if (layoutFits && (size <= usable || (!natural && RebucketLastCarved(heap, tally, real, data, size))))
        {
            real->Word &= ~BlockHeader.ZeroFlag;
            real->Size = size;
            if (hasFake)
                BlockHeader.WriteFake(data, real, real->Word, wanted);
            return data;
        }

        void* fresh = AllocPaths.AllocateUncounted(heap, size, wanted, false);
        if (fresh == null)
            return null;
        tally->Allocated += (long)BlockHeader.RealOf(fresh)->BlockBytes;
        ReleaseInternal(heap, real, size > usable);
        return fresh;
    }

    /// <summary>
    /// Gives the block of <paramref name="real"/>, whose data starts at <paramref name="data"/>, the bucket that fits
    /// <paramref name="size"/> bytes from there, without moving it, when it is this heap's last block carved from the
    /// bump area (<see cref="ThreadHeap.ResizeLastCarved"/>): glibc grows into its top chunk the same way. Counts the
    /// change as a move (the new block allocated, the old one freed inside realloc) and returns true; the caller then
    /// writes the size, the fake header and the zero fill. False, with nothing changed, otherwise.
    /// </summary>
    /// <remarks>
    /// The block may grow past the mmap threshold, up to the largest bucket (4 MiB), as glibc grows a chunk into its top
    /// chunk past its own threshold: the threshold decides where a new block goes, and moving this one to a mapping
    /// would copy it. It crosses the threshold only where the bump area has room for it to double. A realloc chain
    /// from 64 KiB to 1 MiB and back copied 486 KiB per chain there, at twice jemalloc's time (commit 2af81a7). Such a block carries <see cref="BlockHeader.LargeFlag"/>: freed, it gives its pages back
    /// (<see cref="FreePaths.ReleaseBlock"/>), and a later realloc that moves to its size takes it
    /// (<see cref="TakeLargeBucketBlock"/>); malloc never does, so that a new request at the threshold is always mapped.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool RebucketLastCarved(ThreadHeap* heap, RoutineTally* tally, BlockHeader* real, void* data, nuint size)
    {
        if (real->IsMapped || !ThreadHeap.Owns(heap, real->OwnerBucket))
            return false;
        nuint payload = (nuint)((byte*)data - (byte*)(real + 1)) + size;
        if (payload > SizeClasses.MaxPayload)
            return false;
        nuint oldBytes = real->BlockBytes;
        // A block crosses the threshold in place only where the bump area has room for it to double (up to the largest
        // bucket): one that outgrows the area later moves with all its bytes, which is more than the move at the
        // threshold would have copied (a chain from 32 KiB grew in place to 820 KiB and then copied that).
        if (payload >= Tunables.s_mmapThreshold && oldBytes - SizeClasses.HeaderSize < Tunables.s_mmapThreshold
            && (nuint)(heap->BumpEnd - (byte*)real) < Math.Min(2 * payload, SizeClasses.MaxPayload) + SizeClasses.HeaderSize)
            return false;
        Bucket* bucket = ThreadHeap.ResizeLastCarved(heap, real, oldBytes, SizeClasses.Bucket(payload));
        if (bucket == null)
            return false;
        if (bucket->BlockSize - SizeClasses.HeaderSize >= Tunables.s_mmapThreshold)
            real->Word |= BlockHeader.LargeFlag;
        heap->InternalFreed += (long)oldBytes;
        tally->Allocated += (long)bucket->BlockSize;
        return true;
    }

    /// <summary>
    /// For a move to <paramref name="size"/> bytes at or above the mmap threshold: a free bucket block of that size, one
    /// that realloc grew past the threshold in place and a Free gave back, from this heap's list or, with ownership,
    /// from those other threads freed; its header written. Null when there is none. Without this, each such block
    /// whose heap carved something after it before it was freed would stay unused for good (malloc of its size maps,
    /// and no refill serves its bucket), and its bucket would refuse every later growth in place.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void* TakeLargeBucketBlock(ThreadHeap* heap, nuint size)
    {
        if (size < Tunables.s_mmapThreshold || size > SizeClasses.MaxPayload)
            return null;
        Bucket* bucket = ThreadHeap.BucketOf(heap, SizeClasses.Bucket(size));
        BlockHeader* block = AllocPaths.PopVerified(bucket);
        if (block == null && Policy.Ownership)
            block = ThreadHeap.TakeRemote(heap, bucket);
        if (block == null)
            return null;
        block->Word = (nuint)bucket | BlockHeader.LargeFlag;
        block->Size = size;
        ThreadHeap.BucketTallyOf(heap, ThreadHeap.IndexOf(bucket))->OtherTakes++;
        return block + 1;
    }

    /// <summary>
    /// Shrinks a large block's mapping where it is, for a new size down to an eighth of the mmap threshold: the block
    /// keeps the pages its size needs, and the pages after them go to the mapping cache, which joins them to the cached
    /// ranges beside them, or back to the OS. Returns false, with nothing changed, for a smaller size (a bucket serves
    /// it: the caller moves the block) or where mappings cannot be split.
    /// </summary>
    /// <remarks>
    /// Why: moving a block from its mapping into a bucket copies it. A realloc chain from 16 or 64 KiB to 1 MiB and back
    /// copied 455 KiB there on every chain, one of its two copies (commit 393f62b). With the tail in the cache
    /// the chain makes no system call, and when the block is freed its pieces join into the mapping the next chain's
    /// growth takes whole. glibc shrinks a mapped chunk in place too (with mremap). The block does not go back to a
    /// bucket below the mmap threshold: a mapping may hold any size a bucket could (docs/allocator.md).
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool ShrinkLarge(ThreadHeap* heap, RoutineTally* tally, BlockHeader* real, nuint size)
    {
        nuint oldBytes = real->Word & ~BlockHeader.FlagMask;
        nuint newBytes = OsMemory.RoundUpToPage(size + SizeClasses.HeaderSize);
        if (!OsMemory.CanSplitMappings || size < Tunables.s_mmapThreshold / 8 || newBytes == 0 || newBytes >= oldBytes)
            return false;
        real->Word = newBytes | BlockHeader.MmapFlag | (real->Word & BlockHeader.ZeroFlag);
        real->Size = size;
        FreePaths.ReleaseMapping(heap, (byte*)real + newBytes, oldBytes - newBytes);
        // Counted as a move, as RemapLarge counts: the block of oldBytes freed inside realloc, one of newBytes allocated.
        heap->InternalFreed += (long)oldBytes;
        tally->Allocated += (long)newBytes;
        return true;
    }

    /// <summary>
    /// Moves a large, plainly aligned block to a mapping of the new size with mremap: the
    /// kernel moves page tables instead of copying bytes. Returns null (block intact) if the
    /// OS refuses, and the caller falls back to allocate + copy.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void* RemapLarge(ThreadHeap* heap, BlockHeader* real, nuint size, bool zeroFill)
    {
        nuint oldBytes = real->Word & ~BlockHeader.FlagMask;
        nuint newBytes = OsMemory.RoundUpToPage(size + SizeClasses.HeaderSize);
        nuint oldSize = real->Size;
        if (newBytes == 0)
            return null;
        if (zeroFill && size > oldSize)
        {
            // Pages added by mremap are zero; the old mapping's tail past the request may not be.
            nuint oldEnd = oldBytes - SizeClasses.HeaderSize;
            BulkMemory.Clear((byte*)(real + 1) + oldSize, Math.Min(size, oldEnd) - oldSize);
        }
        var moved = (BlockHeader*)OsMemory.Remap(real, oldBytes, newBytes);
        if (moved == null)
            return null;
        MappingCache.Relent(oldBytes, newBytes);
        moved->Word = newBytes | BlockHeader.MmapFlag | (moved->Word & BlockHeader.ZeroFlag);
        moved->Size = size;
        // Accounted as a new mapping replacing the old one, so mapped minus unmapped stays what is mapped.
        heap->MapCalls++;
        heap->MapBytes += (long)newBytes;
        heap->UnmapCalls++;
        heap->UnmapBytes += (long)oldBytes;
        heap->InternalFreed += (long)oldBytes;
        return moved + 1;
    }

    /// <summary>
    /// What realloc and resize share for a non-null block: counts the call, frees the block
    /// for size 0 and refuses impossible sizes. Returns false when that finished the call, with
    /// its result in <paramref name="finished"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool Begin(void* data, nuint size, Routine routine, out ThreadHeap* heap, out RoutineTally* tally, out void* finished)
    {
        finished = null;
        tally = null;
        heap = HeapPool.Acquire();
        if (BlockValidation.Check(data, heap, out _, out string detail) is HeapProblem problem)
            throw new HeapCorruptionException(problem == HeapProblem.DoubleFree ? HeapProblem.FreedBlock : problem, (nuint)data, detail);
        if (heap == null)
        {
            Errno.Fail(Errno.ENOMEM);
            return false;
        }
        tally = ThreadHeap.Tally(heap, routine);
        tally->Calls++;
        if (size == 0)
        {
            tally->ZeroCalls++;
            ReleaseInternal(heap, BlockHeader.RealOf(data), false);
            return false;
        }
        if (size > SizeClasses.MaxRequest)
        {
            Errno.Fail(Errno.ENOMEM);
            return false;
        }
        tally->Requested += (long)size;
        return true;
    }

    /// <summary>
    /// Frees a block inside realloc/resize: not a Free call, but the bytes are no longer in use. A block that
    /// <paramref name="grew"/> out of itself (it moved to a bigger bucket or a mapping) and is this heap's last block
    /// carved from the bump area goes back to the area rather than onto its free list: the next block carved there can
    /// then grow in place as this one did. A block that shrank away goes on its free list, where the next request of
    /// its size finds it without a carve (a refill still takes it back if it is the last carved and nothing used it).
    /// </summary>
    /// <remarks>
    /// Giving back blocks that shrank away too made a malloc(4n)-realloc(3n, 2n, n)-free loop slower (6.6 against 3.9
    /// ns per call at n = 512 B, 7.3 against 5.1 at 1 KiB, 13.2 against 10.6 at 4 KiB) and realloc chains to 1 MiB no
    /// faster (`workbench run speed -a cfa --cpus 0 --set speed.calls=100000`, the two builds alternated 3 times).
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ReleaseInternal(ThreadHeap* heap, BlockHeader* real, bool grew)
    {
        nuint bytes = real->BlockBytes;
        heap->InternalFreed += (long)bytes;
        if (!real->IsMapped && ThreadHeap.Owns(heap, real->OwnerBucket) && !MustFreeMoved(heap, real, bytes, grew))
            return;
        FreePaths.ReleaseBlock(heap, real);
    }
}
