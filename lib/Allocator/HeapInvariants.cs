using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace Workbench.Allocator;

/// <summary>
/// The invariants of a thread heap, as formulas, and the functions that check them. Each <c>Check</c> function returns
/// null when its part of the heap satisfies every formula, or one line naming the first that fails. Debug builds
/// assert them on the slow paths (<see cref="Assert"/>); the tests call them in every build.
/// </summary>
/// <remarks>
/// <para>
/// Notation: <c>h</c> is the heap; <c>b[i]</c>, <c>r[i]</c> and <c>c[i]</c> are its bucket, remote head and outgoing
/// chain of size class <c>i</c>; <c>size(i)</c> is <see cref="SizeClasses.BlockSize"/>; <c>free(h)</c> is the free
/// bump area <c>[h.BumpNext, h.BumpEnd)</c>; a list is the blocks reached from its head through
/// <see cref="BlockHeader.Word"/> until a null link.
/// </para>
/// <code>
/// Heap (ThreadHeap)
///   H1  h mod Alignment = 0
///   H2  h.BumpNext &lt;= h.BumpEnd;  h.BumpNext mod 16 = h.BumpEnd mod 16 = 0;  (h.BumpNext = null) = (h.BumpEnd = null)
///   H3  h.LastCarved = null  or  (h.LastCarved &lt; h.BumpNext  and  h.BumpNext - h.LastCarved = size(j) for some j)
///   H4  h.PrefaultedEnd mod page = 0;  h.PrefaultedEnd &lt;= roundDownToPage(h.BumpEnd)  (a page it shares is not the area's)
/// Free lists (Bucket), remote lists, chains (RemoteChain): for every block x on any of them
///   L1  x mod 16 = 0;  x outside [h, h + Span);  [x, x + size(i)) and free(h) disjoint
///   L2  the list ends: no block is reached twice
///   L3  no block is on two lists of h (Check only: it walks every list)
///   L4  x.Size = FreedMark
///   N1  i a naturally aligned class (i >= SizeClasses.s_plainCount): (x + 16) mod 64 = 0, the data 64-aligned
/// Buckets
///   B1  b[i].BlockSize = size(i)
///   B2  0 &lt;= b[i].FastMallocBytes &lt;= b[i].FastMallocs * size(i), and the same for frees and callocs
/// Chains
///   C1  (c[i].Head = null) = (c[i].Tail = null) = (c[i].Count = 0)
///   C2  c[i] has c[i].Count blocks, the last being c[i].Tail
///   C3  c[i].Count &lt; RemoteBatchBlocks;  c[i].Count * size(i) &lt; RemoteBatchBytes
///   C4  c[i].Count > 0  implies  IndexOf(c[i].Target) = i  and  HeapOf(c[i].Target) != h
/// Trimmed extents (TrimmedExtents, which states them)
///   E1-E3  the heap's table of the ranges MallocTrim gave back is absent or non-empty, holds 16-aligned ranges in
///          address order that do not overlap, and none lies in the heap's region or its bump area
/// Tallies (RoutineTally), per routine
///   T1  0 &lt;= ZeroCalls &lt;= Calls;  0 &lt;= Requested;  0 &lt;= Allocated
///   T2  Requested &lt;= Allocated, for every routine but realloc and resize (which count sizes that stay in place)
/// </code>
/// <para>
/// Call the checks from the heap's owner thread, or under <see cref="HeapPool.HeapLock"/> for a heap with no owner: they
/// read the free lists, chains and counters that only the owner writes. A remote list is read from one snapshot of its
/// head; other threads only push in front of that snapshot. A block is dereferenced only after L1 holds for it, so a
/// misaligned link is reported rather than followed; a link into unmapped memory still faults, as in mimalloc's
/// debug checks.
/// </para>
/// </remarks>
internal static unsafe class HeapInvariants
{
    /// <summary>
    /// Throws <see cref="HeapInvariantException"/> when <paramref name="violation"/> is not null. Compiled only into
    /// debug builds: the argument, a check, is not even evaluated in a release build.
    /// </summary>
    [Conditional("DEBUG")]
    internal static void Assert(string? violation)
    {
        if (violation != null)
            throw new HeapInvariantException(violation);
    }

    /// <summary>Every formula, over the whole heap: H1-H4, then each size class's bucket, remote list and chain, then the tallies.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static string? Check(ThreadHeap* heap)
    {
        string? violation = CheckBumpArea(heap);
        var seen = new Dictionary<nuint, string>();
        for (int i = 0; violation == null && i < SizeClasses.s_count; i++)
            violation = CheckBucket(heap, i, seen) ?? CheckRemote(heap, i, seen) ?? CheckChain(heap, i, seen);
        return violation ?? CheckExtents(heap) ?? CheckTallies(heap);
    }

    /// <summary>E1-E3: the extents MallocTrim made (the formulas are with <see cref="TrimmedExtents"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static string? CheckExtents(ThreadHeap* heap) => TrimmedExtents.Check(heap);

    /// <summary>H1-H4: where the heap lies, and its bump area.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static string? CheckBumpArea(ThreadHeap* heap)
    {
        var next = (nuint)heap->BumpNext;
        var end = (nuint)heap->BumpEnd;
        if ((nuint)heap % ThreadHeap.Alignment != 0)
            return $"heap at {Hex(heap)} is not aligned to {ThreadHeap.Alignment} (H1)";
        if (next > end || next % 16 != 0 || end % 16 != 0 || (next == 0) != (end == 0))
            return $"heap {heap->Id}: bump area [{Hex(next)}, {Hex(end)}) is not ordered, 16-aligned or both set (H2)";
        if (heap->LastCarved != null)
        {
            var last = (nuint)heap->LastCarved;
            nuint bytes = next - last;
            if (last >= next || !SizeClasses.IsBlockSize(bytes))
                return $"heap {heap->Id}: last block carved at {Hex(last)} does not end at the bump area's start {Hex(next)} with a block size (H3)";
        }
        var prefaulted = (nuint)heap->PrefaultedEnd;
        if (prefaulted % OsMemory.s_pageSize != 0 || prefaulted > (end & ~(OsMemory.s_pageSize - 1)))
            return $"heap {heap->Id}: prefaulted end {Hex(prefaulted)} is not a page boundary at most the bump area's last whole page's end {Hex(end)} (H4)";
        return null;
    }

    /// <summary>B1, B2 and L1-L2 and L4 (L3 with <paramref name="seen"/>, the lists walked so far by block) for the bucket of size class <paramref name="index"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static string? CheckBucket(ThreadHeap* heap, int index, Dictionary<nuint, string>? seen = null)
    {
        Bucket* bucket = ThreadHeap.BucketOf(heap, index);
        nuint size = SizeClasses.BlockSize(index);
        if (bucket->BlockSize != size)
            return $"{Where(heap, index)}: block size {bucket->BlockSize} (B1)";
        if (!Counted(bucket->FastMallocs, bucket->FastMallocBytes, size) || !Counted(bucket->FastFrees, bucket->FastFreeBytes, size)
            || !Counted(bucket->FastCallocs, bucket->FastCallocBytes, size))
            return $"{Where(heap, index)}: fast-path counters {bucket->FastMallocs} mallocs of {bucket->FastMallocBytes} B, {bucket->FastFrees} frees of {bucket->FastFreeBytes} B, {bucket->FastCallocs} callocs of {bucket->FastCallocBytes} B (B2)";
        return CheckList(heap, index, bucket->FreeList, "free list", seen, out _, out _);

        static bool Counted(long calls, long bytes, nuint size) => calls >= 0 && bytes >= 0 && (ulong)bytes <= (ulong)calls * size;
    }

    /// <summary>L1-L2 and L4 (L3 with <paramref name="seen"/>) for the remote list of size class <paramref name="index"/>, from one snapshot of its head.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static string? CheckRemote(ThreadHeap* heap, int index, Dictionary<nuint, string>? seen = null)
    {
        var first = (BlockHeader*)Volatile.Read(ref *ThreadHeap.RemoteHead(heap, index));
        return CheckList(heap, index, first, "remote list", seen, out _, out _);
    }

    /// <summary>C1-C4 and L1-L2 and L4 (L3 with <paramref name="seen"/>) for the outgoing chain of size class <paramref name="index"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static string? CheckChain(ThreadHeap* heap, int index, Dictionary<nuint, string>? seen = null)
    {
        RemoteChain* chain = ThreadHeap.ChainOf(heap, index);
        nuint size = SizeClasses.BlockSize(index);
        if ((chain->Head == null) != (chain->Tail == null) || (chain->Head == null) != (chain->Count == 0))
            return $"{Where(heap, index)}: chain head {Hex(chain->Head)}, tail {Hex(chain->Tail)} and count {chain->Count} disagree on emptiness (C1)";
        if (chain->Count < 0 || chain->Count >= RemoteChain.BatchBlocks || (nuint)chain->Count * size >= RemoteChain.BatchBytes)
            return $"{Where(heap, index)}: chain of {chain->Count} blocks is over the batch bounds (C3)";
        if (chain->Count > 0 && (ThreadHeap.IndexOf(chain->Target) != index || ThreadHeap.HeapOf(chain->Target) == heap))
            return $"{Where(heap, index)}: chain bound for bucket {Hex(chain->Target)}, not size class {index} of another heap (C4)";
        string? violation = CheckList(heap, index, chain->Head, "chain", seen, out long count, out BlockHeader* last);
        if (violation == null && (count != chain->Count || last != chain->Tail))
            violation = $"{Where(heap, index)}: chain holds {count} blocks ending at {Hex(last)}, but says {chain->Count} ending at {Hex(chain->Tail)} (C2)";
        return violation;
    }

    /// <summary>T1-T2: the counters of every routine.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static string? CheckTallies(ThreadHeap* heap)
    {
        for (var routine = Routine.Malloc; routine <= Routine.Free; routine++)
        {
            RoutineTally* t = ThreadHeap.Tally(heap, routine);
            if (t->ZeroCalls < 0 || t->ZeroCalls > t->Calls || t->Requested < 0 || t->Allocated < 0)
                return $"heap {heap->Id}: {routine} counted {t->Calls} calls, {t->ZeroCalls} of size 0, {t->Requested} B requested, {t->Allocated} B allocated (T1)";
            if (routine is not (Routine.Realloc or Routine.Resize) && t->Requested > t->Allocated)
                return $"heap {heap->Id}: {routine} counted {t->Requested} B requested, more than the {t->Allocated} B allocated (T2)";
        }
        return null;
    }

    /// <summary>
    /// L1-L2 and L4 (L3 with <paramref name="seen"/>) for the list from <paramref name="first"/> of blocks of size class
    /// <paramref name="index"/>; on success, the number of blocks and the last. A cycle is found with Floyd's two
    /// pointers: the slow one moves every second step, so the walk needs no memory and ends within twice the list's length.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static string? CheckList(ThreadHeap* heap, int index, BlockHeader* first, string list, Dictionary<nuint, string>? seen, out long count, out BlockHeader* last)
    {
        nuint size = SizeClasses.BlockSize(index);
        var freeStart = (nuint)heap->BumpNext;
        var freeEnd = (nuint)heap->BumpEnd;
        string? name = seen != null ? $"{list} of size class {index}" : null;
        BlockHeader* slow = first;
        count = 0;
        last = null;
        for (BlockHeader* x = first; x != null; x = (BlockHeader*)x->Word)
        {
            var at = (nuint)x;
            if (at % 16 != 0 || at - (nuint)heap < ThreadHeap.Span || (at < freeEnd && at + size > freeStart))
                return $"{Where(heap, index)}: {list} block {count} at {Hex(at)} is misaligned, inside the heap, or in the free bump area [{Hex(freeStart)}, {Hex(freeEnd)}) (L1)";
            if (x->Size != BlockHeader.FreedMark)
                return $"{Where(heap, index)}: {list} block {count} at {Hex(at)} lacks the freed mark (its size field reads {Hex(x->Size)}) (L4)";
            if (index >= SizeClasses.s_plainCount && (at + SizeClasses.HeaderSize) % SizeClasses.NaturalAlignment != 0)
                return $"{Where(heap, index)}: {list} block {count} at {Hex(at)} of a naturally aligned class has its data off a 64-byte boundary (N1)";
            if (seen != null && !seen.TryAdd(at, name!))
            {
                return seen[at] == name
                    ? $"{Where(heap, index)}: {list} has a cycle: block {count - 1} at {Hex(last)} links back to {Hex(at)} (L2)"
                    : $"{Where(heap, index)}: {list} block {count} at {Hex(at)} is on the {seen[at]} too (L3)";
            }
            count++;
            last = x;
            if ((count & 1) == 0)
                slow = (BlockHeader*)slow->Word;
            if ((BlockHeader*)x->Word == slow)
                return $"{Where(heap, index)}: {list} has a cycle: block {count - 1} at {Hex(at)} links back to {Hex(slow)} (L2)";
        }
        return null;
    }

    private static string Where(ThreadHeap* heap, int index) => $"heap {heap->Id}, size class {index} ({SizeClasses.BlockSize(index)}-byte blocks)";

    private static string Hex(void* address) => Hex((nuint)address);

    private static string Hex(nuint address) => $"0x{(ulong)address:x}";
}
