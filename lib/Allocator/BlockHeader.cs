using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Workbench.Allocator;

/// <summary>
/// The 16-byte header in front of every block, and the fake header in front of an aligned
/// block's data.
/// </summary>
/// <remarks>
/// Invariants (the thesis's layout):
/// <list type="bullet">
/// <item><see cref="Word"/> of an allocated bucket block is the address of its <see cref="Bucket"/>
/// (which names the owning heap) with flag bits in its 3 low bits; buckets are 8-aligned, so
/// those bits are free. A clean word (no <see cref="FakeFlag"/>, no <see cref="MmapFlag"/>) means
/// the fast path: a plain block with default alignment.</item>
/// <item>For an mmap'd block <see cref="Word"/> is the mapping's length (a page multiple) with
/// <see cref="MmapFlag"/>; the header sits at the start of the mapping.</item>
/// <item>While a block is free, <see cref="Word"/> is the link to the next free block (or 0)
/// and <see cref="Size"/> is meaningless.</item>
/// <item><see cref="Size"/> of an allocated block is the request size (what MallocSize reports).</item>
/// <item>A block aligned beyond 16 bytes has a fake header right before its data: its word is
/// the byte offset back to the real header with <see cref="FakeFlag"/> set (offsets are multiples
/// of 16), its size field the alignment. Layout: real header, padding, fake header, data.</item>
/// <item><see cref="ZeroFlag"/> is kept only in the real header.</item>
/// </list>
/// </remarks>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct BlockHeader
{
    /// <summary>Set in a fake header (aligned block).</summary>
    internal const nuint FakeFlag = 1;

    /// <summary>The block is zero-filled (calloc, cmemalign): sticky through realloc.</summary>
    internal const nuint ZeroFlag = 2;

    /// <summary>The block has its own mapping.</summary>
    internal const nuint MmapFlag = 4;

    /// <summary>All flag bits.</summary>
    internal const nuint FlagMask = 7;

    /// <summary>Bucket address | flags, mapping length | flags, free link, or fake offset | 1.</summary>
    internal nuint Word;

    /// <summary>The request size; in a fake header, the alignment.</summary>
    internal nuint Size;

    /// <summary>The header of the block whose data starts at <paramref name="data"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static BlockHeader* Of(void* data) => (BlockHeader*)data - 1;

    /// <summary>The data address of this (real) header's block when it is not aligned.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void* Data(BlockHeader* header) => header + 1;

    /// <summary>
    /// The real header of the block whose data starts at <paramref name="data"/>, following
    /// the fake header of an aligned block.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static BlockHeader* RealOf(void* data)
    {
        BlockHeader* h = Of(data);
        nuint word = h->Word;
        return (word & FakeFlag) != 0 ? (BlockHeader*)((byte*)h - (word & ~FlagMask)) : h;
    }

    /// <summary>The alignment of the block whose data starts at <paramref name="data"/>.</summary>
    internal static nuint AlignmentOf(void* data)
    {
        BlockHeader* h = Of(data);
        return (h->Word & FakeFlag) != 0 ? h->Size : SizeClasses.HeaderSize;
    }

    /// <summary>Whether this real header describes an mmap'd block.</summary>
    internal readonly bool IsMapped => (Word & MmapFlag) != 0;

    /// <summary>The bucket of a real, non-mapped header.</summary>
    internal readonly Bucket* OwnerBucket => (Bucket*)(Word & ~FlagMask);

    /// <summary>
    /// The bytes the block spans from its real header: the bucket's block size or the
    /// mapping's length.
    /// </summary>
    internal readonly nuint BlockBytes => IsMapped ? Word & ~FlagMask : SizeClasses.BlockSize(ThreadHeap.IndexOf(OwnerBucket));

    /// <summary>Bytes usable from <paramref name="data"/> to the end of its block.</summary>
    internal static nuint UsableSize(void* data)
    {
        BlockHeader* real = RealOf(data);
        return (nuint)((byte*)real + real->BlockBytes - (byte*)data);
    }
}
