using System.Runtime.CompilerServices;

namespace Workbench.Allocator;

/// <summary>
/// Parked blocks: the free bucket blocks of a page or more that MallocTrim took off a heap's free and remote lists and
/// gave back to the OS whole, the page of their header included. A free block's header holds its free-list link, so
/// such a block can no longer be on a list: the heap keeps it in a side table, a mapping of its own, and a refill of
/// its bucket takes it back before carving anything new (<see cref="Unpark"/>).
/// </summary>
/// <remarks>
/// <para>Why: trimming inside free blocks (<see cref="Trimming"/>) must keep the page each header lies in, and blocks
/// carved one after another share those pages with their neighbours. After a burst of blocks of 4 KiB to 512 KiB that
/// kept about one page per free block: 15 MiB of 4 threads' heaps in the giveback benchmark (4 x 300,000 operations,
/// 1 B to 3 MiB), where mimalloc and glibc keep nothing measurable after their own trim. Parking lets MallocTrim give
/// back every page that lies wholly inside a run of parked blocks next to each other, headers included.</para>
/// Table layout: <c>[ParkedTable | int Count x buckets | int Start x buckets | BlockHeader* x Capacity]</c>.
/// Invariants, for the table <c>t = h.Parked</c> of heap <c>h</c>:
/// <code>
///   P1  t = null  or  t.Remaining &gt; 0
///   P2  t.Remaining = sum over i of Count[i];  Start[i] + Count[i] &lt;= Start[i + 1] (Start[buckets] = t.Capacity)
///   P3  Entries[Start[i] .. Start[i] + Count[i]) are free blocks of bucket i of h, on no list and not in the bump area
/// </code>
/// A parked block's bytes are zeros or old (the partial pages at its ends, which a neighbour shares), and so is its
/// header, until the refill that takes it writes one. Only the heap's owner reads or writes the table, or the thread
/// that trims a pooled heap under <see cref="HeapPool.HeapLock"/>. Checked mode never trims, so it never parks.
/// </remarks>
internal static unsafe class ParkedBlocks
{
    /// <summary>The table's fixed part.</summary>
    internal struct ParkedTable
    {
        /// <summary>Bytes of the table's mapping.</summary>
        internal nuint Bytes;

        /// <summary>Entries the table has room for.</summary>
        internal int Capacity;

        /// <summary>Blocks parked in it now (P2).</summary>
        internal int Remaining;
    }

    /// <summary>A block's range, to find the runs of parked blocks next to each other.</summary>
    private struct ParkedRange : IComparable<ParkedRange>
    {
        internal nuint Start;
        internal nuint End;

        public readonly int CompareTo(ParkedRange other) => Start.CompareTo(other.Start);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int* Counts(ParkedTable* t) => (int*)(t + 1);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int* Starts(ParkedTable* t) => Counts(t) + SizeClasses.s_count;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static BlockHeader** Entries(ParkedTable* t) =>
        (BlockHeader**)(((nuint)(Starts(t) + SizeClasses.s_count) + 15) & ~(nuint)15);

    /// <summary>The bytes of a table with room for <paramref name="capacity"/> entries and as many ranges after them.</summary>
    private static nuint TableBytes(int capacity) =>
        OsMemory.RoundUpToPage((nuint)sizeof(ParkedTable) + 2 * (nuint)SizeClasses.s_count * sizeof(int) + 16
            + (nuint)capacity * ((nuint)sizeof(BlockHeader*) + (nuint)sizeof(ParkedRange)));

    /// <summary>
    /// Parks the free blocks of <paramref name="heap"/>'s buckets that hold whole pages
    /// (<see cref="SizeClasses.HoldsWholePages"/>) that the pad does not keep, taking them off its free and remote lists; then gives back every
    /// whole page of each run of parked blocks that lie next to each other. The caller owns the heap (its own, or a
    /// pooled one under the heap lock, which nobody else owns now). Returns the bytes given back, or -1, with nothing
    /// parked, when the table cannot be mapped (the caller then trims inside the blocks instead).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static long Park(ThreadHeap* heap, ref TrimPad keep)
    {
        for (int i = 0; i < SizeClasses.s_count; i++)
            if (SizeClasses.HoldsWholePages(i))
                AppendRemote(heap, i);
        // What the pad keeps stays on the free lists, from the last bucket down, as trimming inside blocks keeps it.
        int total = 0;
        BlockHeader** parkFrom = stackalloc BlockHeader*[SizeClasses.s_count];
        for (int i = SizeClasses.s_count - 1; i >= 0; i--)
        {
            if (!SizeClasses.HoldsWholePages(i))
                continue;
            Bucket* bucket = ThreadHeap.BucketOf(heap, i);
            BlockHeader* keptLast = null;
            BlockHeader* b = bucket->FreeList;
            for (; b != null && keep.Keeps(bucket->BlockSize); b = (BlockHeader*)b->Word)
                keptLast = b;
            parkFrom[i] = keptLast;
            for (; b != null; b = (BlockHeader*)b->Word)
                total++;
        }
        if (total == 0)
            return 0;
        ParkedTable* old = heap->Parked;
        int capacity = total + (old == null ? 0 : old->Remaining);
        nuint bytes = TableBytes(capacity);
        var table = (ParkedTable*)OsMemory.Map(bytes);
        if (table == null)
            return -1;
        table->Bytes = bytes;
        table->Capacity = capacity;
        BlockHeader** entries = Entries(table);
        var ranges = (ParkedRange*)(entries + capacity);
        int n = 0;
        for (int i = 0; i < SizeClasses.s_count; i++)
        {
            Starts(table)[i] = n;
            nuint blockBytes = SizeClasses.BlockSize(i);
            if (old != null)
            {
                for (int k = 0; k < Counts(old)[i]; k++)
                    Add(entries, ranges, ref n, Entries(old)[Starts(old)[i] + k], blockBytes);
            }
            if (SizeClasses.HoldsWholePages(i))
            {
                Bucket* bucket = ThreadHeap.BucketOf(heap, i);
                BlockHeader* keptLast = parkFrom[i];
                BlockHeader* b = keptLast == null ? bucket->FreeList : (BlockHeader*)keptLast->Word;
                for (; b != null; b = (BlockHeader*)b->Word)
                    Add(entries, ranges, ref n, b, blockBytes);
                if (keptLast == null)
                    bucket->FreeList = null;
                else
                    keptLast->Word = 0;
            }
            Counts(table)[i] = n - Starts(table)[i];
        }
        table->Remaining = n;
        heap->Parked = table;
        if (old != null)
            OsMemory.Unmap(old, old->Bytes);
        HeapInvariants.Assert(HeapInvariants.CheckParked(heap));
        return GiveBackRuns(ranges, n);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Add(BlockHeader** entries, ParkedRange* ranges, ref int n, BlockHeader* block, nuint blockBytes)
    {
        entries[n] = block;
        ranges[n].Start = (nuint)block;
        ranges[n].End = (nuint)block + blockBytes;
        n++;
    }

    /// <summary>Moves the blocks waiting on <paramref name="heap"/>'s remote list of bucket <paramref name="index"/> to the front of its free list.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void AppendRemote(ThreadHeap* heap, int index)
    {
        BlockHeader* first = ThreadHeap.TakeRemoteList(heap, index);
        if (first == null)
            return;
        Bucket* bucket = ThreadHeap.BucketOf(heap, index);
        BlockHeader* last = first;
        while (last->Word != 0)
            last = (BlockHeader*)last->Word;
        last->Word = (nuint)bucket->FreeList;
        bucket->FreeList = first;
        heap->RemotePulls++;
    }

    /// <summary>
    /// Runs the sort once, on 64 ranges in descending order (its partitioning and insertion paths), so that
    /// <see cref="CfaMalloc.Precompile"/> leaves none of its generic code to compile at the first trim.
    /// </summary>
    internal static void PrepareSort()
    {
        const int n = 64;
        ParkedRange* ranges = stackalloc ParkedRange[n];
        for (int i = 0; i < n; i++)
            ranges[i].Start = (nuint)(n - i);
        new Span<ParkedRange>(ranges, n).Sort();
    }

    /// <summary>Sorts the parked blocks' ranges and gives back the whole pages of each run of adjacent ones. Returns the bytes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static long GiveBackRuns(ParkedRange* ranges, int n)
    {
        var sorted = new Span<ParkedRange>(ranges, n);
        sorted.Sort();
        long released = 0;
        int i = 0;
        while (i < n)
        {
            nuint start = ranges[i].Start, end = ranges[i].End;
            for (i++; i < n && ranges[i].Start == end; i++)
                end = ranges[i].End;
            released += (long)OsMemory.DecommitWholePages((void*)start, (void*)end);
        }
        return released;
    }

    /// <summary>
    /// A parked block of bucket <paramref name="index"/> of <paramref name="heap"/> (the caller's own), taken out of the
    /// table, its header not yet written; null when none is parked. Unmaps the table when it empties.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static BlockHeader* Unpark(ThreadHeap* heap, int index)
    {
        ParkedTable* table = heap->Parked;
        if (table == null || Counts(table)[index] == 0)
            return null;
        int count = --Counts(table)[index];
        BlockHeader* block = Entries(table)[Starts(table)[index] + count];
        if (--table->Remaining == 0)
        {
            heap->Parked = null;
            OsMemory.Unmap(table, table->Bytes);
        }
        HeapInvariants.Assert(HeapInvariants.CheckParked(heap));
        return block;
    }

    /// <summary>Blocks parked in <paramref name="heap"/>'s table of bucket <paramref name="index"/> (0 without a table).</summary>
    internal static int Count(ThreadHeap* heap, int index) => heap->Parked == null ? 0 : Counts(heap->Parked)[index];

    /// <summary>Checks P1-P3 of <paramref name="heap"/>'s table (the formulas in the remarks): null, or the first that fails.</summary>
    internal static string? Check(ThreadHeap* heap)
    {
        ParkedTable* t = heap->Parked;
        if (t == null)
            return null;
        if (t->Remaining <= 0)
            return FormattableString.Invariant($"P1: the parked table of heap {heap->Id} is kept with {t->Remaining} blocks");
        long sum = 0;
        for (int i = 0; i < SizeClasses.s_count; i++)
        {
            int count = Counts(t)[i], start = Starts(t)[i];
            int next = i + 1 < SizeClasses.s_count ? Starts(t)[i + 1] : t->Capacity;
            if (count < 0 || start < 0 || start + count > next)
                return FormattableString.Invariant($"P2: bucket {i}'s parked entries [{start}, {start + count}) overrun the next ({next})");
            sum += count;
            for (int k = start; k < start + count; k++)
            {
                var block = (nuint)Entries(t)[k];
                if (block % 16 != 0 || block - (nuint)heap < ThreadHeap.Span
                    || (block < (nuint)heap->BumpEnd && block + SizeClasses.BlockSize(i) > (nuint)heap->BumpNext))
                    return FormattableString.Invariant($"P3: parked block 0x{(ulong)block:x} of bucket {i} is misaligned, in the heap or in the bump area");
            }
        }
        return sum == t->Remaining ? null : FormattableString.Invariant($"P2: {t->Remaining} blocks said parked, {sum} found");
    }
}
