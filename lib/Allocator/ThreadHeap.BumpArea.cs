using System.Runtime.CompilerServices;

namespace Workbench.Allocator;

// A heap's bump area: carving a refill from it, growing and shrinking the last block carved in place, taking a new
// area from the shared area, and making it resident ahead of use. The invariants are ThreadHeap's (H2-H4).
internal unsafe partial struct ThreadHeap
{
    /// <summary>
    /// Refills an empty bucket: first from the remote list (one exchange), else by carving blocks from the bump area, else
    /// by taking a new bump area: one of the heap's trimmed extents, else a range of the shared area.
    /// Returns the first block (already unlinked) or null when memory is exhausted.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    internal static BlockHeader* Refill(ThreadHeap* heap, Bucket* bucket, bool drainRemote)
    {
        HeapInvariants.Assert(HeapInvariants.CheckBumpArea(heap));
        if (drainRemote)
        {
            BlockHeader* taken = TakeRemote(heap, bucket);
            if (taken != null)
            {
                HeapInvariants.Assert(HeapInvariants.CheckBucket(heap, IndexOf(bucket)));
                return taken;
            }
        }

        nuint blockSize = bucket->BlockSize;
        bool natural = IsNatural(bucket);
        if (heap->LastCarved != null && !Policy.Checked)
            ReclaimLastCarved(heap);
        if ((nuint)(heap->BumpEnd - heap->BumpNext) < NaturalSkip(heap->BumpNext, natural) + blockSize
            && !ExtendBumpArea(heap, blockSize + (natural ? SizeClasses.NaturalAlignment : 0)))
            return null;

        // Carve a batch (up to one page, at least one block) so that the next misses hit the free
        // list; the blocks are linked in address order for locality. Linking writes into every
        // block, so a larger batch would fault in pages a short-lived program never uses. A naturally aligned class's
        // batch starts where its first block's data is 64-aligned (its block size is a multiple of 64, so every
        // block's is); the 16 to 48 bytes skipped are never handed out.
        byte* first = heap->BumpNext + NaturalSkip(heap->BumpNext, natural);
        nuint available = (nuint)(heap->BumpEnd - first);
        nuint count = Math.Min(available / blockSize, Math.Max(1, OsMemory.s_pageSize / blockSize));
        heap->BumpNext = first + count * blockSize;
        if (heap->BumpNext > heap->PrefaultedEnd && Tunables.s_prefault != 0)
            Prefault(heap, first);
        byte* link = first + blockSize;
        for (nuint i = 1; i < count; i++, link += blockSize)
        {
            ((BlockHeader*)link)->Word = i + 1 < count ? (nuint)(link + blockSize) : 0;
            ((BlockHeader*)link)->Size = BlockHeader.FreedMark;
        }
        bucket->FreeList = count > 1 ? (BlockHeader*)(first + blockSize) : null;
        BucketTallyOf(heap, IndexOf(bucket))->Carved += (long)count;
        heap->LastCarved = (BlockHeader*)(first + (count - 1) * blockSize);
        HeapInvariants.Assert(HeapInvariants.CheckBumpArea(heap) ?? HeapInvariants.CheckBucket(heap, IndexOf(bucket)));
        return (BlockHeader*)first;
    }

    /// <summary>
    /// The bytes a naturally aligned class's refill skips from <paramref name="next"/> so that its first block's data
    /// lies at a multiple of <see cref="SizeClasses.NaturalAlignment"/>; 0 for a plain class.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static nuint NaturalSkip(byte* next, bool natural) =>
        natural ? (0 - ((nuint)next + SizeClasses.HeaderSize)) & (SizeClasses.NaturalAlignment - 1) : 0;

    /// <summary>
    /// Before a refill carves: when the last block carved is free and at the head of its bucket's free list, takes it
    /// off the list and gives its bytes back to the bump area, so that the block carved next starts there. A program
    /// that frees its newest, largest block and then allocates a smaller one, to grow it again with realloc (a
    /// buffer that is rebuilt, the speed benchmark's realloc x1..x4), then grows in place every time instead of
    /// copying into the freed block at each round, as glibc does by merging into its top chunk.
    /// </summary>
    /// <remarks>
    /// A free block is on at most one list, so finding it at the head of this heap's own list proves it is this
    /// heap's to take, with or without ownership. Not in checked mode, where a freed block stays scrubbed until it is
    /// handed out again whole.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ReclaimLastCarved(ThreadHeap* heap)
    {
        BlockHeader* last = heap->LastCarved;
        var bytes = (nuint)(heap->BumpNext - (byte*)last);
        Bucket* bucket = BucketOf(heap, SizeClasses.Bucket(bytes - SizeClasses.HeaderSize));
        if (bucket->BlockSize != bytes || bucket->FreeList != last)
            return;
        bucket->FreeList = (BlockHeader*)last->Word;
        heap->BumpNext = (byte*)last;
        heap->LastCarved = null;
    }

    /// <summary>
    /// Moves the live block of <paramref name="real"/>, this heap's and <paramref name="blockBytes"/> long, to bucket
    /// <paramref name="index"/> without moving its data, when it is the last block carved from the bump area: growing
    /// takes the bytes after it from the area, shrinking gives its tail back. Writes the real header's word (keeping
    /// its zero flag) and returns the new bucket; null, with the block untouched, when the block is not the last
    /// carved, when the new bucket has blocks waiting (free or remotely freed), or when it would grow past the area's
    /// end.
    /// </summary>
    /// <remarks>
    /// Why the new bucket must have nothing waiting: the change is then what a move would have done (Refill carves
    /// the new block from the area, as it always does for an empty bucket), less the copy and less the old block left on
    /// its free list. With blocks waiting, a move reuses one of them; changing in place instead would carve anew each
    /// time, and a loop of malloc, realloc and free would pile blocks onto the new bucket's list without bound.
    /// </remarks>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    internal static Bucket* ResizeLastCarved(ThreadHeap* heap, BlockHeader* real, nuint blockBytes, int index)
    {
        byte* end = (byte*)real + blockBytes;
        if (end != heap->BumpNext)
            return null;
        Bucket* bucket = BucketOf(heap, index);
        if (bucket->FreeList != null || *RemoteHead(heap, index) != 0)
            return null;
        nuint newBytes = bucket->BlockSize;
        if (newBytes > blockBytes && (nuint)(heap->BumpEnd - end) < newBytes - blockBytes)
            return null;
        heap->BumpNext = (byte*)real + newBytes;
        heap->LastCarved = real;
        if (heap->BumpNext > heap->PrefaultedEnd && Tunables.s_prefault != 0)
            Prefault(heap, end);
        real->Word = (nuint)bucket | (real->Word & BlockHeader.ZeroFlag);
        return bucket;
    }

    /// <summary>
    /// Gives the block of <paramref name="real"/> (free, <paramref name="blockBytes"/> long) back to the bump area when
    /// it is the last one carved, instead of pushing it onto a free list: the next carve, of any size, reuses it.
    /// Returns false when it is not the last carved.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static bool GiveBackLastCarved(ThreadHeap* heap, BlockHeader* real, nuint blockBytes)
    {
        if ((byte*)real + blockBytes != heap->BumpNext)
            return false;
        // A free of the old pointer is a double free, though the block is gone: the mark says so to the general path,
        // and a word naming no bucket keeps free's fast path from taking it.
        real->Word = 0;
        real->Size = BlockHeader.FreedMark;
        heap->BumpNext = (byte*)real;
        heap->LastCarved = null;
        return true;
    }

    /// <summary>
    /// Gives <paramref name="heap"/> a new bump area of at least <paramref name="minBytes"/>.
    /// What is left of the old one is abandoned (the thesis's design does not split or
    /// coalesce), and the pages of it that prefaulting made resident go back to the OS.
    /// Returns false when memory is exhausted.
    /// </summary>
    /// <remarks>
    /// Why give them back: nothing carves there again, and MallocTrim sees only the current area. A heap that carves
    /// blocks of hundreds of KiB leaves a 2 MiB area every few blocks, with up to <see cref="Tunables.s_prefault"/>
    /// resident past its last block: in the giveback benchmark (4 threads x 300,000 operations, 1 B to 3 MiB) about
    /// 8 MiB of the 23-24 MiB that stayed after MallocTrim (15-16 MiB without prefaulting). One madvise per 2 MiB area.
    /// </remarks>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    internal static bool ExtendBumpArea(ThreadHeap* heap, nuint minBytes)
    {
        // The heap's trimmed extents first, in address order: memory it has had before, before the shared area grows.
        if (!TrimmedExtents.TakeFor(heap, minBytes, out byte* area, out byte* end))
        {
            nuint bytes = Math.Max(Tunables.BumpChunk, OsMemory.RoundUpToPage(minBytes));
            area = SharedArea.Take(bytes, OsMemory.s_pageSize);
            if (area == null)
                return false;
            end = area + bytes;
        }
        DecommitPrefaulted(heap);
        MarkLeft(heap);
        heap->BumpNext = area;
        heap->BumpEnd = end;
        heap->LastCarved = null;
        // Page-aligned at or below the area's start (an extent may start inside a page): nothing above it prefaulted.
        heap->PrefaultedEnd = (byte*)((nuint)area & ~(OsMemory.s_pageSize - 1));
        HeapInvariants.Assert(HeapInvariants.CheckBumpArea(heap));
        return true;
    }

    /// <summary>
    /// Where the heap leaves its bump area inside a page that the area runs to the end of
    /// (<see cref="OwnsRestOfPage"/>), writes a header-sized record with word 0 and size
    /// <see cref="BlockHeader.AbandonedMark"/>: nothing is carved there again, so once the blocks before it are free,
    /// MallocTrim may give back the page it lies in (without it, one page per area stayed after a trim: 170 pages, 0.7
    /// MiB, of the 0.76 MiB of the shared area still resident in the giveback benchmark). The page is resident already
    /// but where the last block's tail was never written.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void MarkLeft(ThreadHeap* heap)
    {
        var next = (BlockHeader*)heap->BumpNext;
        if (next == null || ((nuint)next & (OsMemory.s_pageSize - 1)) == 0 || !OwnsRestOfPage(heap))
            return;
        BlockHeader.MarkAbandoned(next);
    }

    /// <summary>
    /// Whether the bump area runs at least to the end of the page <see cref="BumpNext"/> lies in: then nothing after
    /// the carving point in that page is any other block's. An area from the shared area always does (it ends at a
    /// page boundary); a trimmed extent may end inside a page, which a neighbouring block then shares.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static bool OwnsRestOfPage(ThreadHeap* heap) => (nuint)heap->BumpEnd >= OsMemory.RoundUpToPage((nuint)heap->BumpNext);

    /// <summary>
    /// Bytes of the pages prefaulting made resident past the page the next block starts in, which no block uses yet (0
    /// when none): what <see cref="DecommitPrefaulted"/> gives back.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static nuint PrefaultedUnused(ThreadHeap* heap)
    {
        var unused = (byte*)OsMemory.RoundUpToPage((nuint)heap->BumpNext);
        return heap->PrefaultedEnd > unused ? (nuint)(heap->PrefaultedEnd - unused) : 0;
    }

    /// <summary>
    /// Gives back the <see cref="PrefaultedUnused"/> pages (the heap prefaults them again when it carves there). Returns
    /// the bytes given back: 0 when there were none or the OS would not.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static nuint DecommitPrefaulted(ThreadHeap* heap)
    {
        nuint bytes = PrefaultedUnused(heap);
        if (bytes == 0 || !OsMemory.Decommit(heap->PrefaultedEnd - bytes, bytes))
            return 0;
        heap->PrefaultedEnd -= bytes;
        return bytes;
    }

    /// <summary>
    /// Makes the bump area resident from the page of <paramref name="carvedFrom"/> (or the prefaulted end, if
    /// further) to at least the carving point plus <see cref="Tunables.s_prefault"/> bytes, within the bump area.
    /// </summary>
    /// <remarks>
    /// Why: on this project's VMs a page fault costs about 15 us, while populating a range costs about 8 us per
    /// page, so a program that grows its heap (every real program's start, the trace replays) spends half as long
    /// making memory resident. The cost is at most <see cref="Tunables.s_prefault"/> resident bytes per heap that no
    /// block uses yet (MallocTrim gives them back). When a heap moves to a new bump area, what it prefaulted past the
    /// end of the old one's last block stays resident: less than one block of the size that did not fit, and at most
    /// <see cref="Tunables.s_prefault"/>. If the OS cannot populate (Linux before 5.14), prefaulting turns itself off and pages
    /// fault on first touch as before.
    /// </remarks>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    internal static void Prefault(ThreadHeap* heap, byte* carvedFrom)
    {
        var from = (byte*)Math.Max((nuint)heap->PrefaultedEnd, (nuint)carvedFrom & ~(OsMemory.s_pageSize - 1));
        var to = (byte*)OsMemory.RoundUpToPage((nuint)heap->BumpNext + Tunables.s_prefault);
        // Not past the area's last whole page: an area that is a trimmed extent may end inside a page that a
        // neighbouring block shares, and the pages below the prefaulted end are given back when the heap leaves.
        var end = (byte*)((nuint)heap->BumpEnd & ~(OsMemory.s_pageSize - 1));
        if (to > end)
            to = end;
        if (to <= from)
            return;
        if (Populate(heap, from, (nuint)(to - from)))
            heap->PrefaultedEnd = to;
    }

    /// <summary>
    /// Makes <paramref name="bytes"/> from <paramref name="from"/> resident for <paramref name="heap"/> and counts
    /// it; when the OS cannot, turns prefaulting off for the process and returns false.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static bool Populate(ThreadHeap* heap, byte* from, nuint bytes)
    {
        if (!OsMemory.Populate(from, bytes))
        {
            Tunables.s_prefault = 0;
            return false;
        }
        heap->PrefaultCalls++;
        heap->PrefaultBytes += (long)bytes;
        return true;
    }
}
