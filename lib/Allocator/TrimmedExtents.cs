using System.Runtime.CompilerServices;

namespace Workbench.Allocator;

/// <summary>
/// Parked blocks: free bucket blocks that MallocTrim took off a heap's free and remote lists and gave back to the OS, the
/// page of their header included: every free block of a page or more, and each smaller one whose header lies in a page
/// given back. A free block's header holds its free-list link, so such a block can no longer be on a list: the heap
/// keeps it in a side table, a mapping of its own, and a refill of its bucket takes it back before carving anything new
/// (<see cref="Unpark"/>, <see cref="UnparkBatch"/>).
/// </summary>
/// <remarks>
/// <para>Why: trimming inside free blocks must keep the page each header lies in, and blocks carved one after another
/// share those pages with their neighbours. After a burst of blocks of 4 KiB to 512 KiB that kept about one page per
/// free block: 15 MiB of 4 threads' heaps in the giveback benchmark (4 x 300,000 operations, 1 B to 3 MiB), where
/// mimalloc and glibc keep nothing measurable after their own trim. Parking the blocks of a page or more took that to
/// 5 MiB: the pages a parked block shares with a smaller free neighbour, and the pages of small free blocks. So a trim
/// now sorts every free block it may take by address, finds the runs of blocks next to each other (whatever their
/// sizes), and gives back every whole page inside a run; a small block is parked only when its header lies in such a
/// page, and stays on its list otherwise (the pages its data shares with the run are given back under it), so the
/// table never costs more than the pages it frees.</para>
/// Table layout: <c>[ParkedTable | int Count x buckets | int Start x buckets | BlockHeader* x Capacity]</c>.
/// Invariants, for the table <c>t = h.Parked</c> of heap <c>h</c>:
/// <code>
///   P1  t = null  or  t.Remaining &gt; 0
///   P2  t.Remaining = sum over i of Count[i];  Start[i] + Count[i] &lt;= Start[i + 1] (Start[buckets] = t.Capacity)
///   P3  Entries[Start[i] .. Start[i] + Count[i]) are free blocks of bucket i of h, on no list and not in the bump area
/// </code>
/// A parked block's bytes are zeros or old (the partial pages at its run's ends, which a neighbour shares), and so is its
/// header, until the refill that takes it writes one. A free block left on its list may have its data's pages given
/// back (they read as zeros), never its header's. Only the heap's owner reads or writes the table, or the thread that
/// trims a pooled heap under <see cref="HeapPool.HeapLock"/>. Checked mode never trims, so it never parks.
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

    /// <summary>A free block <see cref="Park"/> may take: its range, its bucket, and whether it is parked.</summary>
    private struct TrimCandidate : IComparable<TrimCandidate>
    {
        internal nuint Start;
        internal nuint End;
        internal int Bucket;
        internal bool Parks;

        public readonly int CompareTo(TrimCandidate other) => Start.CompareTo(other.Start);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int* Counts(ParkedTable* t) => (int*)(t + 1);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int* Starts(ParkedTable* t) => Counts(t) + SizeClasses.s_count;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static BlockHeader** Entries(ParkedTable* t) =>
        (BlockHeader**)(((nuint)(Starts(t) + SizeClasses.s_count) + 15) & ~(nuint)15);

    /// <summary>The bytes of a table with room for <paramref name="capacity"/> entries.</summary>
    private static nuint TableBytes(int capacity) =>
        OsMemory.RoundUpToPage((nuint)sizeof(ParkedTable) + 2 * (nuint)SizeClasses.s_count * sizeof(int) + 16
            + (nuint)capacity * (nuint)sizeof(BlockHeader*));

    /// <summary>
    /// Gathers <paramref name="heap"/>'s free blocks of every bucket (its remote lists moved onto its free lists first)
    /// but for what the pad keeps; sorts them, with the blocks parked before, by address; parks the blocks of a page or
    /// more and each smaller one whose header lies in a whole page of its run of free blocks next to each other, leaving
    /// the others on their lists; and gives back every whole page of every run. The caller owns the heap (its own, or a
    /// pooled one under the heap lock, which nobody else owns now). Returns the bytes given back, or -1, with every list
    /// as it was but for the remote blocks moved onto the free lists, when a mapping cannot be had (the caller then
    /// trims inside the blocks instead).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static long Park(ThreadHeap* heap, ref TrimPad keep)
    {
        for (int i = 0; i < SizeClasses.s_count; i++)
            AppendRemote(heap, i);
        // What the pad keeps stays on the free lists, from the last bucket down, as trimming inside blocks keeps it.
        // No list holds more blocks than the committed shared area has room for: a longer one is a cycle, which a write
        // after free can make (debug builds report it before the trim), and then nothing of this heap is trimmed.
        long area = SharedArea.Counters.ExtendBytes;
        int total = 0;
        BlockHeader** keptLast = stackalloc BlockHeader*[SizeClasses.s_count];
        for (int i = SizeClasses.s_count - 1; i >= 0; i--)
        {
            Bucket* bucket = ThreadHeap.BucketOf(heap, i);
            long room = area / (long)bucket->BlockSize, length = 0;
            BlockHeader* last = null;
            BlockHeader* b = bucket->FreeList;
            for (; b != null && keep.Keeps(bucket->BlockSize); b = (BlockHeader*)b->Word)
            {
                last = b;
                if (++length > room)
                    return 0;
            }
            keptLast[i] = last;
            for (; b != null; b = (BlockHeader*)b->Word, total++)
            {
                if (++length > room)
                    return 0;
            }
        }
        if (total == 0)
            return 0;
        ParkedTable* old = heap->Parked;
        int n = total + (old == null ? 0 : old->Remaining);
        nuint scratchBytes = OsMemory.RoundUpToPage((nuint)n * (nuint)sizeof(TrimCandidate));
        var candidates = (TrimCandidate*)OsMemory.Map(scratchBytes);
        if (candidates == null)
            return -1;
        int k = 0;
        for (int i = 0; i < SizeClasses.s_count; i++)
        {
            nuint blockBytes = SizeClasses.BlockSize(i);
            if (old != null)
            {
                for (int j = 0; j < Counts(old)[i]; j++)
                    Add(candidates, ref k, Entries(old)[Starts(old)[i] + j], blockBytes, i, parks: true);
            }
            bool wholePages = SizeClasses.HoldsWholePages(i);
            for (BlockHeader* b = FirstUnkept(heap, i, keptLast[i]); b != null; b = (BlockHeader*)b->Word)
                Add(candidates, ref k, b, blockBytes, i, wholePages);
        }
        new Span<TrimCandidate>(candidates, n).Sort();
        int parked = ChooseParked(heap, candidates, n);
        ParkedTable* table = null;
        if (parked > 0)
        {
            nuint bytes = TableBytes(parked);
            table = (ParkedTable*)OsMemory.Map(bytes);
            if (table == null)
            {
                OsMemory.Unmap(candidates, scratchBytes);
                return -1;
            }
            table->Bytes = bytes;
            table->Capacity = parked;
            table->Remaining = parked;
            Fill(table, candidates, n);
        }
        Unlink(heap, keptLast, candidates, n);
        heap->Parked = table;
        if (old != null)
            OsMemory.Unmap(old, old->Bytes);
        long released = GiveBackRuns(heap, candidates, n);
        OsMemory.Unmap(candidates, scratchBytes);
        HeapInvariants.Assert(HeapInvariants.Check(heap));
        return released;
    }

    /// <summary>
    /// The first block of bucket <paramref name="index"/>'s free list after the kept ones (<paramref name="keptLast"/>
    /// the last of those, or null).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static BlockHeader* FirstUnkept(ThreadHeap* heap, int index, BlockHeader* keptLast) =>
        keptLast == null ? ThreadHeap.BucketOf(heap, index)->FreeList : (BlockHeader*)keptLast->Word;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Add(TrimCandidate* candidates, ref int k, BlockHeader* block, nuint blockBytes, int bucket, bool parks)
    {
        candidates[k].Start = (nuint)block;
        candidates[k].End = (nuint)block + blockBytes;
        candidates[k].Bucket = bucket;
        candidates[k].Parks = parks;
        k++;
    }

    /// <summary>
    /// The run of free blocks next to each other that starts at <paramref name="first"/> (sorted): returns the index one
    /// past it, and in <paramref name="from"/> and <paramref name="to"/> its whole pages: from the first page boundary at
    /// or after its start to the last at or before its end, or to the next after its end when nothing after the end in
    /// its page is ever handed out: the end is where <paramref name="heap"/> carves next, or where a heap left a bump
    /// area (<see cref="BlockHeader.AbandonedMark"/>; the 16 bytes at an end inside a page lie in the page of the run's
    /// last block).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int Run(ThreadHeap* heap, TrimCandidate* sorted, int n, int first, out nuint from, out nuint to)
    {
        int next = first + 1;
        while (next < n && sorted[next].Start == sorted[next - 1].End)
            next++;
        nuint end = sorted[next - 1].End;
        from = OsMemory.RoundUpToPage(sorted[first].Start);
        to = end & ~(OsMemory.s_pageSize - 1);
        if (to != end && (end == (nuint)heap->BumpNext || BlockHeader.IsAbandoned((BlockHeader*)end)))
            to += OsMemory.s_pageSize;
        return next;
    }

    /// <summary>
    /// Marks as parked each block whose header lies in a whole page of its run (the blocks of a page or more are marked
    /// already), and returns how many are parked in all.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int ChooseParked(ThreadHeap* heap, TrimCandidate* sorted, int n)
    {
        int parked = 0;
        for (int i = 0; i < n;)
        {
            int end = Run(heap, sorted, n, i, out nuint from, out nuint to);
            for (; i < end; i++)
            {
                if (sorted[i].Start >= from && sorted[i].Start < to)
                    sorted[i].Parks = true;
                if (sorted[i].Parks)
                    parked++;
            }
        }
        return parked;
    }

    /// <summary>Writes the parked blocks into <paramref name="table"/>, grouped by bucket (P2, P3).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Fill(ParkedTable* table, TrimCandidate* sorted, int n)
    {
        int* counts = Counts(table), starts = Starts(table);
        for (int i = 0; i < SizeClasses.s_count; i++)
            counts[i] = 0;
        for (int i = 0; i < n; i++)
        {
            if (sorted[i].Parks)
                counts[sorted[i].Bucket]++;
        }
        for (int i = 0, start = 0; i < SizeClasses.s_count; i++)
        {
            starts[i] = start;
            start += counts[i];
            counts[i] = 0;
        }
        BlockHeader** entries = Entries(table);
        for (int i = 0; i < n; i++)
        {
            if (sorted[i].Parks)
            {
                int bucket = sorted[i].Bucket;
                entries[starts[bucket] + counts[bucket]++] = (BlockHeader*)sorted[i].Start;
            }
        }
    }

    /// <summary>
    /// Takes the parked blocks off the free lists (after the kept ones, <paramref name="keptLast"/>); the others keep
    /// their order, the most recently freed first.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Unlink(ThreadHeap* heap, BlockHeader** keptLast, TrimCandidate* sorted, int n)
    {
        for (int i = 0; i < SizeClasses.s_count; i++)
        {
            Bucket* bucket = ThreadHeap.BucketOf(heap, i);
            BlockHeader* previous = keptLast[i];
            for (BlockHeader* b = FirstUnkept(heap, i, previous); b != null;)
            {
                var next = (BlockHeader*)b->Word;
                if (sorted[IndexOf(sorted, n, (nuint)b)].Parks)
                {
                    if (previous == null)
                        bucket->FreeList = next;
                    else
                        previous->Word = (nuint)next;
                }
                else
                {
                    previous = b;
                }
                b = next;
            }
        }
    }

    /// <summary>The index of the block at <paramref name="start"/> among the <paramref name="n"/> sorted (it is one).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int IndexOf(TrimCandidate* sorted, int n, nuint start)
    {
        int lo = 0, hi = n - 1;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if (sorted[mid].Start < start)
                lo = mid + 1;
            else
                hi = mid;
        }
        return lo;
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
    /// Runs the sort once, on 64 blocks in descending order (its partitioning and insertion paths), so that
    /// <see cref="CfaMalloc.Precompile"/> leaves none of its generic code to compile at the first trim.
    /// </summary>
    internal static void PrepareSort()
    {
        const int n = 64;
        TrimCandidate* candidates = stackalloc TrimCandidate[n];
        for (int i = 0; i < n; i++)
            candidates[i].Start = (nuint)(n - i);
        new Span<TrimCandidate>(candidates, n).Sort();
    }

    /// <summary>Gives back the whole pages of each run of free blocks next to each other (<see cref="Run"/>); returns the bytes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static long GiveBackRuns(ThreadHeap* heap, TrimCandidate* sorted, int n)
    {
        long released = 0;
        for (int i = 0; i < n;)
        {
            i = Run(heap, sorted, n, i, out nuint from, out nuint to);
            if (to > from && OsMemory.Decommit((void*)from, to - from))
                released += (long)(to - from);
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

    /// <summary>
    /// For a refill of <paramref name="bucket"/> of <paramref name="heap"/> (the caller's own): a parked block of the
    /// bucket, its header not yet written, with as many more as a carve would link, up to a page's worth, pushed onto
    /// the bucket's free list; null when none is parked.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static BlockHeader* UnparkBatch(ThreadHeap* heap, Bucket* bucket)
    {
        int index = ThreadHeap.IndexOf(bucket);
        BlockHeader* first = Unpark(heap, index);
        if (first == null)
            return null;
        nuint batch = OsMemory.s_pageSize / bucket->BlockSize;
        BlockHeader* block;
        for (nuint i = 1; i < batch && (block = Unpark(heap, index)) != null; i++)
        {
            block->Word = (nuint)bucket->FreeList;
            block->Size = BlockHeader.FreedMark;
            bucket->FreeList = block;
        }
        return first;
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
