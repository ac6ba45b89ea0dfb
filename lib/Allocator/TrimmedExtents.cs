using System.Runtime.CompilerServices;

namespace Workbench.Allocator;

/// <summary>
/// Trimmed extents: ranges of a heap's memory that MallocTrim made out of runs of free blocks next to each other and
/// gave back to the OS, headers included. A free block's header holds its free-list link, so a block whose header's
/// page goes can no longer be on a list; instead of remembering each such block, the heap keeps the range it lies in,
/// merged with its free neighbours of any size, and carves from it again as from a new bump area: a range that ends
/// where the heap carves next becomes part of its bump area at once, and the others serve the heap's next bump areas
/// before the shared area grows (<see cref="TakeFor"/>).
/// </summary>
/// <remarks>
/// <para>Why: trimming inside free blocks must keep the page each header lies in, and blocks carved one after another
/// share those pages with their neighbours: after a burst of blocks of 4 KiB to 512 KiB that kept about one page per
/// free block (15 MiB of 4 threads' heaps in the giveback benchmark). So a trim sorts every free block it may take by
/// address, finds the runs of blocks next to each other, and gives back every whole page inside a run; a block is taken
/// off its list when it is a page or more, or when its header lies in such a page, and stays on its list otherwise (the
/// pages its data shares with the run are given back under it). The blocks taken, adjacent in each run, become one
/// extent. Before extents, the heap kept each block taken in a table of 8 bytes per block, for a refill of its own
/// size: 20-24 KiB of tables per heap after the giveback benchmark (2,100-2,800 blocks in 44-46 runs), where an extent
/// costs 16 bytes per run, and a refill of any size can use it.</para>
/// Table layout: <c>[ExtentTable | Extent x Capacity]</c>, a mapping of its own. Invariants, for the table
/// <c>t = h.Extents</c> of heap <c>h</c>, with <c>e = t.Entries</c>:
/// <code>
///   E1  t = null  or  0 &lt; t.Count &lt;= t.Capacity
///   E2  e[i].Start mod 16 = e[i].End mod 16 = 0;  e[i].Start &lt; e[i].End;  e[i].End &lt;= e[i + 1].Start
///   E3  [e[i].Start, e[i].End) lies outside [h, h + Span) and outside the bump area [h.BumpNext, h.BumpEnd)
/// </code>
/// An extent holds no live block and is on no list; its bytes are zeros (the pages given back) or old (the partial
/// pages at its ends, which a neighbour may share), as a bump area's may be. Only the heap's owner reads or writes the
/// table, or the thread that trims a pooled heap under <see cref="HeapPool.HeapLock"/>. Checked mode never trims.
/// </remarks>
internal static unsafe class TrimmedExtents
{
    /// <summary>The table's fixed part; the extents follow it, in address order.</summary>
    internal struct ExtentTable
    {
        /// <summary>Bytes of the table's mapping.</summary>
        internal nuint Bytes;

        /// <summary>Extents the table has room for.</summary>
        internal int Capacity;

        /// <summary>Extents in it now (E1).</summary>
        internal int Count;
    }

    /// <summary>A range of free memory, given back but for the partial pages at its ends.</summary>
    internal struct Extent
    {
        internal nuint Start;
        internal nuint End;
    }

    /// <summary>A range <see cref="Release"/> may take, a free block or an extent of the table, and whether it is taken.</summary>
    private struct TrimCandidate : IComparable<TrimCandidate>
    {
        internal nuint Start;
        internal nuint End;
        internal bool Taken;

        public readonly int CompareTo(TrimCandidate other) => Start.CompareTo(other.Start);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Extent* Entries(ExtentTable* t) => (Extent*)(t + 1);

    /// <summary>The bytes of a table with room for <paramref name="capacity"/> extents.</summary>
    private static nuint TableBytes(int capacity) =>
        OsMemory.RoundUpToPage((nuint)sizeof(ExtentTable) + (nuint)capacity * (nuint)sizeof(Extent));

    /// <summary>
    /// Gathers <paramref name="heap"/>'s free blocks of every bucket (its remote lists moved onto its free lists first)
    /// but for what the pad keeps; sorts them, with the heap's extents, by address; takes off their lists the blocks of
    /// a page or more and each smaller one whose header lies in a whole page of its run of free blocks next to each
    /// other, leaving the others on their lists; gives back every whole page of every run; and keeps the blocks taken,
    /// adjacent ones joined, as the heap's extents (one that ends where the heap carves next joins its bump area). The
    /// caller owns the heap (its own, or a pooled one under the heap lock, which nobody else owns now). Returns the
    /// bytes given back, or -1, with every list as it was but for the remote blocks moved onto the free lists, when a
    /// mapping cannot be had (the caller then trims inside the blocks instead).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static long Release(ThreadHeap* heap, ref TrimPad keep)
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
        ExtentTable* old = heap->Extents;
        int n = total + (old == null ? 0 : old->Count);
        nuint scratchBytes = OsMemory.RoundUpToPage((nuint)n * (nuint)sizeof(TrimCandidate));
        var candidates = (TrimCandidate*)OsMemory.Map(scratchBytes);
        if (candidates == null)
            return -1;
        int k = 0;
        for (int j = 0; old != null && j < old->Count; j++)
            Add(candidates, ref k, Entries(old)[j].Start, Entries(old)[j].End, taken: true);
        for (int i = 0; i < SizeClasses.s_count; i++)
        {
            nuint blockBytes = SizeClasses.BlockSize(i);
            bool wholePages = SizeClasses.HoldsWholePages(i);
            for (BlockHeader* b = FirstUnkept(heap, i, keptLast[i]); b != null; b = (BlockHeader*)b->Word)
                Add(candidates, ref k, (nuint)b, (nuint)b + blockBytes, wholePages);
        }
        new Span<TrimCandidate>(candidates, n).Sort();
        int extents = ChooseTaken(heap, candidates, n);
        ExtentTable* table = null;
        if (extents > 0)
        {
            nuint bytes = TableBytes(extents);
            table = (ExtentTable*)OsMemory.Map(bytes);
            if (table == null)
            {
                OsMemory.Unmap(candidates, scratchBytes);
                return -1;
            }
            table->Bytes = bytes;
            table->Capacity = extents;
            table->Count = Fill(table, candidates, n);
        }
        Unlink(heap, keptLast, candidates, n);
        long released = GiveBackRuns(heap, candidates, n);
        OsMemory.Unmap(candidates, scratchBytes);
        if (old != null)
            OsMemory.Unmap(old, old->Bytes);
        heap->Extents = table;
        JoinBumpArea(heap);
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
    private static void Add(TrimCandidate* candidates, ref int k, nuint start, nuint end, bool taken)
    {
        candidates[k].Start = start;
        candidates[k].End = end;
        candidates[k].Taken = taken;
        k++;
    }

    /// <summary>
    /// The run of free blocks and extents next to each other that starts at <paramref name="first"/> (sorted): returns
    /// the index one past it, and in <paramref name="from"/> and <paramref name="to"/> its whole pages: from the first
    /// page boundary at or after its start to the last at or before its end, or to the next after its end when nothing
    /// after the end in its page is ever handed out: the end is where <paramref name="heap"/> carves next and its bump
    /// area runs to the page's end (<see cref="ThreadHeap.OwnsRestOfPage"/>), or where a heap left such a bump area
    /// (<see cref="BlockHeader.AbandonedMark"/>; the 16 bytes at an end inside a page lie in the page of the run's last
    /// block).
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
        if (to != end && ((end == (nuint)heap->BumpNext && ThreadHeap.OwnsRestOfPage(heap)) || BlockHeader.IsAbandoned((BlockHeader*)end)))
            to += OsMemory.s_pageSize;
        return next;
    }

    /// <summary>
    /// Marks as taken each block whose header lies in a whole page of its run (the blocks of a page or more, and the
    /// extents, are marked already), and returns how many extents the taken ranges make: each stretch of taken ranges
    /// next to each other is one.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int ChooseTaken(ThreadHeap* heap, TrimCandidate* sorted, int n)
    {
        int extents = 0;
        for (int i = 0; i < n;)
        {
            int end = Run(heap, sorted, n, i, out nuint from, out nuint to);
            bool previousTaken = false;
            for (; i < end; i++)
            {
                if (sorted[i].Start >= from && sorted[i].Start < to)
                    sorted[i].Taken = true;
                if (sorted[i].Taken && !previousTaken)
                    extents++;
                previousTaken = sorted[i].Taken;
            }
        }
        return extents;
    }

    /// <summary>Writes the stretches of taken ranges next to each other into <paramref name="table"/> as extents, in address order; returns how many.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int Fill(ExtentTable* table, TrimCandidate* sorted, int n)
    {
        Extent* entries = Entries(table);
        int count = 0;
        for (int i = 0; i < n; i++)
        {
            if (!sorted[i].Taken)
                continue;
            if (count > 0 && entries[count - 1].End == sorted[i].Start)
            {
                entries[count - 1].End = sorted[i].End;
            }
            else
            {
                entries[count].Start = sorted[i].Start;
                entries[count].End = sorted[i].End;
                count++;
            }
        }
        return count;
    }

    /// <summary>
    /// Takes the blocks that went into extents off the free lists (after the kept ones, <paramref name="keptLast"/>);
    /// the others keep their order, the most recently freed first.
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
                if (sorted[IndexOf(sorted, n, (nuint)b)].Taken)
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
    /// Runs the sort once, on 64 ranges in descending order (its partitioning and insertion paths), so that
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
    /// When one of the heap's extents ends where it carves next, moves the bump area's start back to the extent's start
    /// and drops the extent: the heap carves there next, as if those blocks had never been carved. The prefaulted
    /// pages past the carving point are given back first (their pages are the extent's, given back already, or past
    /// it), and the prefaulted end starts again below the new carving point (H4).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void JoinBumpArea(ThreadHeap* heap)
    {
        ExtentTable* table = heap->Extents;
        for (int i = 0; table != null && i < table->Count; i++)
        {
            if (Entries(table)[i].End != (nuint)heap->BumpNext)
                continue;
            nuint start = Entries(table)[i].Start;
            ThreadHeap.DecommitPrefaulted(heap);
            heap->BumpNext = (byte*)start;
            heap->LastCarved = null;
            heap->PrefaultedEnd = (byte*)Math.Min((nuint)heap->PrefaultedEnd, start & ~(OsMemory.s_pageSize - 1));
            Remove(heap, i);
            return;
        }
    }

    /// <summary>
    /// For a heap whose bump area is used up: takes the first of its extents, in address order, that holds
    /// <paramref name="minBytes"/>, in <paramref name="start"/> and <paramref name="end"/>; false when none does. The
    /// caller makes it the bump area.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static bool TakeFor(ThreadHeap* heap, nuint minBytes, out byte* start, out byte* end)
    {
        ExtentTable* table = heap->Extents;
        for (int i = 0; table != null && i < table->Count; i++)
        {
            Extent extent = Entries(table)[i];
            if (extent.End - extent.Start >= minBytes)
            {
                start = (byte*)extent.Start;
                end = (byte*)extent.End;
                Remove(heap, i);
                return true;
            }
        }
        start = end = null;
        return false;
    }

    /// <summary>Removes extent <paramref name="index"/> of the heap's table; unmaps the table when it empties (E1).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Remove(ThreadHeap* heap, int index)
    {
        ExtentTable* table = heap->Extents;
        Extent* entries = Entries(table);
        for (int i = index + 1; i < table->Count; i++)
            entries[i - 1] = entries[i];
        if (--table->Count == 0)
        {
            heap->Extents = null;
            OsMemory.Unmap(table, table->Bytes);
        }
    }

    /// <summary>The bytes of <paramref name="heap"/>'s extents (0 without a table).</summary>
    internal static nuint Bytes(ThreadHeap* heap)
    {
        ExtentTable* table = heap->Extents;
        nuint bytes = 0;
        for (int i = 0; table != null && i < table->Count; i++)
            bytes += Entries(table)[i].End - Entries(table)[i].Start;
        return bytes;
    }

    /// <summary>Whether <paramref name="heap"/>'s extents or its bump area hold the range [<paramref name="start"/>, <paramref name="end"/>) whole.</summary>
    internal static bool Holds(ThreadHeap* heap, nuint start, nuint end)
    {
        if (start >= (nuint)heap->BumpNext && end <= (nuint)heap->BumpEnd)
            return true;
        ExtentTable* table = heap->Extents;
        for (int i = 0; table != null && i < table->Count; i++)
        {
            if (start >= Entries(table)[i].Start && end <= Entries(table)[i].End)
                return true;
        }
        return false;
    }

    /// <summary>Checks E1-E3 of <paramref name="heap"/>'s table (the formulas in the remarks): null, or the first that fails.</summary>
    internal static string? Check(ThreadHeap* heap)
    {
        ExtentTable* t = heap->Extents;
        if (t == null)
            return null;
        if (t->Count <= 0 || t->Count > t->Capacity)
            return FormattableString.Invariant($"E1: the extent table of heap {heap->Id} is kept with {t->Count} of {t->Capacity} extents");
        for (int i = 0; i < t->Count; i++)
        {
            Extent e = Entries(t)[i];
            if (e.Start % 16 != 0 || e.End % 16 != 0 || e.Start >= e.End || (i + 1 < t->Count && e.End > Entries(t)[i + 1].Start))
                return FormattableString.Invariant($"E2: extent {i} of heap {heap->Id}, [0x{(ulong)e.Start:x}, 0x{(ulong)e.End:x}), is misaligned, empty or out of order");
            if ((e.End > (nuint)heap && e.Start < (nuint)heap + ThreadHeap.Span)
                || (e.End > (nuint)heap->BumpNext && e.Start < (nuint)heap->BumpEnd))
                return FormattableString.Invariant($"E3: extent {i} of heap {heap->Id}, [0x{(ulong)e.Start:x}, 0x{(ulong)e.End:x}), overlaps the heap's region or its bump area");
        }
        return null;
    }
}
