using System.Runtime.CompilerServices;

namespace Workbench.Allocator;

/// <summary>
/// What a pointer handed to free, realloc or resize must be, checked on their general paths before the heap is touched,
/// in every mode: data 16-aligned; a fake header that leads back, within its alignment, to a real header; a real header
/// that is not freed already (its size is not <see cref="BlockHeader.FreedMark"/>) and that names either a mapping (a
/// page-aligned header and a length of whole pages holding the data), a bucket of the caller's own heap (accepted as
/// free's fast path accepts it), or a bucket of another heap of this allocator (in the shared area, the heap's seal
/// intact, a size class that exists, a block that holds the data).
/// </summary>
/// <remarks>
/// The fast path of free takes only blocks whose header names a bucket of the caller's own heap (a free plain block's
/// word is a link, which never does) and, for an aligned block, whose real header lacks the mark, so every double free
/// and every pointer whose header names no bucket of the caller's heap comes here. A pointer into memory that is not
/// mapped at all still faults when its header is read, as it does in glibc. Checked mode checks more, against its table
/// of every live block (<see cref="CheckedMode"/>).
/// </remarks>
internal static unsafe class BlockValidation
{
    /// <summary>
    /// The real header of the block whose data starts at <paramref name="data"/> (not null) in <paramref name="real"/>,
    /// and null; or the problem, with <paramref name="detail"/> saying what was found. <paramref name="mine"/> is the
    /// caller's heap (null: none yet), whose blocks are accepted at once.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static HeapProblem? Check(void* data, ThreadHeap* mine, out BlockHeader* real, out string detail)
    {
        real = null;
        detail = "";
        if ((nuint)data % SizeClasses.HeaderSize != 0)
        {
            detail = "the address is not 16-aligned, as every block's data is";
            return HeapProblem.UnknownPointer;
        }
        BlockHeader* header = BlockHeader.Of(data);
        nuint word = header->Word;
        real = header;
        if ((word & BlockHeader.FakeFlag) != 0)
        {
            ulong offset = (ulong)header->Size & BlockHeader.OffsetMask;
            int log2 = (int)((ulong)header->Size >> BlockHeader.AlignmentShift);
            // The offset is at least one header and below the largest block; the block's own bounds are checked below,
            // once the real header is read. (Realigning in place keeps the offset of a former, larger alignment.)
            if (log2 < 4 || log2 > 46 || offset % SizeClasses.HeaderSize != 0 || offset < SizeClasses.HeaderSize
                || offset > SizeClasses.MaxRequest || (nuint)data % ((nuint)1 << log2) != 0)
            {
                detail = $"its header reads as an aligned block's, but with an offset of {offset} bytes for an alignment of 2^{log2}";
                return HeapProblem.UnknownPointer;
            }
            real = (BlockHeader*)((byte*)header - (nuint)offset);
        }
        if (real->Size == BlockHeader.FreedMark)
        {
            detail = "the block is free: its header carries the freed mark";
            return HeapProblem.DoubleFree;
        }
        nuint realWord = real->Word;
        if (real != header && ((realWord & ~BlockHeader.ZeroFlag) | BlockHeader.FakeFlag) != word)
        {
            detail = $"the aligned block's header (0x{(ulong)word:x}) does not match its real header (0x{(ulong)realWord:x})";
            return HeapProblem.HeaderOverwritten;
        }
        if ((realWord & BlockHeader.MmapFlag) != 0)
        {
            nuint length = realWord & ~BlockHeader.FlagMask;
            nuint page = OsMemory.s_pageSize;
            if ((nuint)real % page != 0 || length == 0 || length % page != 0 || (nuint)((byte*)data - (byte*)real) >= length)
            {
                detail = $"its header reads as a mapped block's, of {length} bytes at 0x{(ulong)real:x}, which no mapping of this allocator can be";
                return HeapProblem.UnknownPointer;
            }
            return null;
        }
        var bucket = (Bucket*)(realWord & ~BlockHeader.FlagMask);
        // The common case first, accepted as free's fast path accepts it: a bucket of the caller's own heap.
        if (mine != null && ThreadHeap.Owns(mine, bucket))
            return null;
        if (!IsBucket(bucket, out nuint blockBytes))
        {
            detail = $"its header (0x{(ulong)realWord:x}) names no bucket of a cfa-malloc heap";
            return HeapProblem.UnknownPointer;
        }
        if (!SharedArea.Contains(real, blockBytes) || (nuint)((byte*)data - (byte*)real) >= blockBytes)
        {
            detail = $"its header names a bucket of {blockBytes}-byte blocks, but no such block of the shared area holds the address";
            return HeapProblem.UnknownPointer;
        }
        return null;
    }

    /// <summary>
    /// Whether <paramref name="data"/> is a live plain block of a bucket that <paramref name="mine"/>'s remote chain of its
    /// size class already sends to: the common remote free (a consumer freeing a producer's blocks), accepted with the
    /// checks <see cref="Check"/> makes of such a block (data 16-aligned, no freed mark, a bucket of this allocator,
    /// a block of the shared area), in <paramref name="header"/>, <paramref name="bucket"/> and
    /// <paramref name="index"/>. False for anything else, which <see cref="Check"/> then judges and names.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static bool IsKnownRemote(void* data, ThreadHeap* mine, out BlockHeader* header, out Bucket* bucket, out int index)
    {
        header = BlockHeader.Of(data);
        bucket = null;
        index = 0;
        if ((nuint)data % SizeClasses.HeaderSize != 0)
            return false;
        nuint word = header->Word;
        bucket = (Bucket*)(word & ~BlockHeader.ZeroFlag);
        if ((word & (BlockHeader.FakeFlag | BlockHeader.MmapFlag | BlockHeader.LargeFlag)) != 0 || header->Size == BlockHeader.FreedMark
            || !IsChainTarget(mine, bucket, out index))
            return false;
        return SharedArea.Contains(header, SizeClasses.BlockSize(index));
    }

    /// <summary>
    /// Whether <paramref name="bucket"/> is the target of <paramref name="mine"/>'s outgoing remote-free chain of its size
    /// class, that class in <paramref name="index"/>: a bucket that <see cref="IsBucket"/> accepted when the chain took a
    /// block for it, and heaps are never unmapped, so it is one still. The common remote free (a consumer freeing a producer's
    /// blocks) then checks only the block, without reading the other heap's region.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool IsChainTarget(ThreadHeap* mine, Bucket* bucket, out int index)
    {
        nuint offset = ((nuint)bucket & (ThreadHeap.Alignment - 1)) - ThreadHeap.BucketsOffset;
        nuint slot = offset / (nuint)sizeof(Bucket);
        if (slot >= (nuint)SizeClasses.s_count)
        {
            index = 0;
            return false;
        }
        index = (int)slot;
        return ThreadHeap.ChainOf(mine, index)->Target == bucket;
    }

    /// <summary>
    /// Whether <paramref name="bucket"/> is a bucket of a heap of this allocator: in the shared area, in a region whose
    /// seal is intact, at the place of a size class; with that class's block size.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static bool IsBucket(Bucket* bucket, out nuint blockBytes)
    {
        blockBytes = 0;
        ThreadHeap* heap = ThreadHeap.HeapOf(bucket);
        if (!SharedArea.Contains(heap, (nuint)sizeof(ThreadHeap)) || heap->Seal != ThreadHeap.SealOf(heap))
            return false;
        nuint offset = (nuint)bucket - (nuint)heap - ThreadHeap.BucketsOffset;
        if ((nuint)bucket < (nuint)heap + ThreadHeap.BucketsOffset || offset % (nuint)sizeof(Bucket) != 0
            || offset / (nuint)sizeof(Bucket) >= (nuint)SizeClasses.s_count)
            return false;
        blockBytes = SizeClasses.BlockSize((int)(offset / (nuint)sizeof(Bucket)));
        return true;
    }

    /// <summary>
    /// The check of the block a general path takes from a free list, and of the link it leaves as the list's head: both
    /// must be free blocks (the freed mark) of the shared area, 16-aligned. Otherwise the header of a free block was
    /// written (by an overrun of the block before it, or a write after free), and the problem is returned, with what
    /// was found, instead of handing out a block at an address the program wrote. The fast paths test the mark only
    /// (<see cref="ThreadHeap.Take"/>); checked mode tests the link on every general path too.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static string? CheckTaken(BlockHeader* block, nuint blockBytes)
    {
        if (block->Size != BlockHeader.FreedMark)
            return $"the free list of {blockBytes}-byte blocks leads to the block at 0x{(ulong)(block + 1):x}, whose header has no freed mark (its size field reads 0x{(ulong)block->Size:x}): a free block's header was overwritten, by an overrun of the block before it or a write after free";
        var next = (BlockHeader*)block->Word;
        if (next != null && ((nuint)next % SizeClasses.HeaderSize != 0 || !SharedArea.Contains(next, blockBytes) || next->Size != BlockHeader.FreedMark))
            return $"the free block at 0x{(ulong)(block + 1):x} has a link that reads 0x{(ulong)next:x}, which leads to no free block: its header was overwritten, by an overrun of the block before it, at 0x{(ulong)(block + 1) - (ulong)blockBytes:x}, or by a write after free";
        return null;
    }
}
