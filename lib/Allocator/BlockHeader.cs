using System.Numerics;
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
/// (which names the owning heap) with flag bits in its 4 low bits; buckets are 64-aligned, so
/// those bits are free. A clean word (no <see cref="FakeFlag"/>, <see cref="MmapFlag"/> or
/// <see cref="LargeFlag"/>) means the fast path: a plain block with default alignment.</item>
/// <item><see cref="LargeFlag"/> marks a bucket block whose bucket holds at least the mmap threshold: only realloc
/// makes one, growing the last block carved in place past the threshold. Free sends it the slow way, which gives its
/// pages back to the OS, as freeing a mapped block does.</item>
/// <item>For an mmap'd block <see cref="Word"/> is the mapping's length (a page multiple) with
/// <see cref="MmapFlag"/>; the header sits at the start of the mapping.</item>
/// <item>While a bucket block is free (on a free list, a remote list or a chain, or carved and not yet handed out),
/// <see cref="Word"/> is the link to the next free block (or 0) and <see cref="Size"/> is <see cref="FreedMark"/>, which
/// no allocated block's size can equal; a freed mapping in the mapping cache carries the mark too. A free of a block
/// whose size is the mark is a double free (<see cref="BlockValidation"/>).</item>
/// <item><see cref="Size"/> of an allocated block is the request size (what MallocSize reports).</item>
/// <item>A block aligned beyond 16 bytes has a fake header right before its data. Its word is the
/// real header's word (bucket address or mapping length, with <see cref="MmapFlag"/>) without
/// <see cref="ZeroFlag"/> and with <see cref="FakeFlag"/> set; its size field is the byte offset back to
/// the real header (a multiple of 16, below 2^58) with log2 of the alignment in the top 6 bits. Layout:
/// real header, padding, fake header, data. The thesis's fake header holds the offset in its word and the
/// alignment in its size; carrying the bucket lets Free find it with one load instead of two dependent ones,
/// and both fields are read at once.</item>
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

    /// <summary>A bucket block at or above the mmap threshold (grown there in place by realloc).</summary>
    internal const nuint LargeFlag = 8;

    /// <summary>
    /// The size field of every free block: a value chosen at random when the process starts, with its top bit set, so
    /// that it is never a request size (those are below <see cref="SizeClasses.MaxRequest"/>) and a program cannot
    /// write it by chance. glibc's tcache marks a freed chunk with a per-process key the same way.
    /// </summary>
    internal static readonly nuint FreedMark = ((nuint)1 << (8 * sizeof(nuint) - 1)) | (nuint)(ulong)Random.Shared.NextInt64();

    /// <summary>
    /// The size field of the header-sized record a heap writes where it leaves a bump area (its word 0), when that is
    /// inside a page (<see cref="ThreadHeap.ExtendBumpArea"/>): nothing after it in the area is ever carved, so MallocTrim
    /// may give back that page once free blocks cover the rest of it (<see cref="TrimmedExtents"/>). It differs from
    /// <see cref="FreedMark"/> in the low bit: neither a request size nor a free block's mark.
    /// </summary>
    internal static readonly nuint AbandonedMark = FreedMark ^ 1;

    /// <summary>Writes the record of <see cref="AbandonedMark"/> at <paramref name="h"/>: word 0, size the mark.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void MarkAbandoned(BlockHeader* h)
    {
        h->Word = 0;
        h->Size = AbandonedMark;
    }

    /// <summary>Whether <paramref name="h"/> holds the record <see cref="MarkAbandoned"/> writes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static bool IsAbandoned(BlockHeader* h) => h->Word == 0 && h->Size == AbandonedMark;

    /// <summary>
    /// <see cref="FreedMark"/> as the fast paths read it: the field itself under the JIT (a constant in tier-1 code), the
    /// copy in <see cref="FastPathValues"/> in code compiled ahead of time, which then tests no class initialisation.
    /// </summary>
    internal static nuint Mark
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => RuntimeFeature.IsDynamicCodeSupported ? FreedMark : FastPathValues.s_freedMark;
    }

    /// <summary>All flag bits.</summary>
    internal const nuint FlagMask = 15;

    /// <summary>In a fake header's <see cref="Size"/>: where log2 of the alignment starts.</summary>
    internal const int AlignmentShift = 58;

    /// <summary>In a fake header's <see cref="Size"/>: the offset back to the real header.</summary>
    internal const ulong OffsetMask = (1UL << AlignmentShift) - 1;

    /// <summary>Bucket address | flags, mapping length | flags, or free link; in a fake header, the real word's bucket or length | flags | 1.</summary>
    internal nuint Word;

    /// <summary>The request size; in a fake header, the offset to the real header and log2 of the alignment.</summary>
    internal nuint Size;

    /// <summary>The header of the block whose data starts at <paramref name="data"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static BlockHeader* Of(void* data) => (BlockHeader*)data - 1;

    /// <summary>
    /// The real header of the block whose data starts at <paramref name="data"/>, following
    /// the fake header of an aligned block.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static BlockHeader* RealOf(void* data)
    {
        BlockHeader* h = Of(data);
        return RealOf(h, h->Word);
    }

    /// <summary>The real header behind <paramref name="h"/>, the header in front of some data, whose word <paramref name="word"/> the caller has read.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static BlockHeader* RealOf(BlockHeader* h, nuint word) =>
        (word & FakeFlag) != 0 ? (BlockHeader*)((byte*)h - ((ulong)h->Size & OffsetMask)) : h;

    /// <summary>
    /// The alignment of the block whose data starts at <paramref name="data"/>: a fake header's, 64 for a block of a
    /// naturally aligned class, else 16.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static nuint AlignmentOf(void* data)
    {
        BlockHeader* h = Of(data);
        if ((h->Word & FakeFlag) != 0)
            return (nuint)1 << (int)(h->Size >> AlignmentShift);
        return h->IsNatural ? SizeClasses.NaturalAlignment : SizeClasses.HeaderSize;
    }

    /// <summary>
    /// Writes the fake header in front of <paramref name="data"/>, an aligned position inside the block of
    /// <paramref name="real"/>, whose word is <paramref name="realWord"/> (its flags other than the mmap bit are dropped).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void WriteFake(void* data, BlockHeader* real, nuint realWord, nuint alignment)
    {
        BlockHeader* fake = Of(data);
        fake->Word = (realWord & ~ZeroFlag) | FakeFlag;
        fake->Size = (nuint)((byte*)fake - (byte*)real) | ((nuint)BitOperations.Log2(alignment) << AlignmentShift);
    }

    /// <summary>Whether the block whose data starts at <paramref name="data"/> is zero-filled (the flag of its real header).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static bool IsZeroFilled(void* data) => (RealOf(data)->Word & ZeroFlag) != 0;

    /// <summary>Whether this real header describes an mmap'd block.</summary>
    internal readonly bool IsMapped => (Word & MmapFlag) != 0;

    /// <summary>Whether this real header is a block of a naturally aligned class (its data 64-aligned, no fake header).</summary>
    internal readonly bool IsNatural => (Word & (MmapFlag | LargeFlag)) == 0 && ThreadHeap.IsNatural(OwnerBucket);

    /// <summary>The bucket of a real, non-mapped header.</summary>
    internal readonly Bucket* OwnerBucket => (Bucket*)(Word & ~FlagMask);

    /// <summary>
    /// The bytes the block spans from its real header: the bucket's block size or the
    /// mapping's length.
    /// </summary>
    internal readonly nuint BlockBytes => IsMapped ? Word & ~FlagMask : SizeClasses.BlockSize(ThreadHeap.IndexOf(OwnerBucket));

    /// <summary>Bytes usable from <paramref name="data"/> to the end of its block.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static nuint UsableSize(void* data)
    {
        BlockHeader* real = RealOf(data);
        return (nuint)((byte*)real + real->BlockBytes - (byte*)data);
    }
}
