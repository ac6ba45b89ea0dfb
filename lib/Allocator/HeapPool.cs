using System.Runtime.CompilerServices;

namespace Workbench.Allocator;

/// <summary>
/// The master (the thesis's "heap manager"): the shared area that thread heaps grow from, and
/// the pool of heaps, with the reuse of exited threads' heaps.
/// </summary>
/// <remarks>
/// Invariants:
/// <list type="bullet">
/// <item>The shared area is reserved in large ranges with no access and committed in steps of
/// <see cref="s_extension"/> (M_TOP_PAD); <c>s_areaNext &lt;= s_areaCommitted &lt;= s_areaReserved</c>,
/// guarded by <see cref="s_areaLock"/>. Storage taken from it is never given back.</item>
/// <item>Every heap ever made is on the <see cref="s_allHeaps"/> list (for statistics); a heap
/// with no owner thread is on the <see cref="s_freeHeaps"/> stack. Both, and
/// <see cref="s_owners"/>, change only under <see cref="s_heapLock"/>.</item>
/// <item>A heap changes owner only through <see cref="Acquire"/>/<see cref="Release"/>; its
/// <see cref="ThreadHeap.Assignment"/> number changes with every owner, so a late release
/// for a previous owner is ignored.</item>
/// <item>A heap is owned (<see cref="ThreadHeap.Owned"/>) from <see cref="Acquire"/> to <see cref="Release"/>, and
/// then on the <see cref="s_freeHeaps"/> stack.</item>
/// <item>A thread's exit is noticed in one of two ways, fixed for the process. In a .NET program, by the finalizer of
/// its <see cref="HeapReleaser"/> (a thread-static object that dies with the thread) or, at the latest, by a scan of
/// dead owner threads in <see cref="s_owners"/> when a new thread needs a heap and none is free. In a process where
/// a native host drives the allocator (the preloaded library), the host reports each exit itself
/// (<see cref="ReleaseCurrent"/>), and the pool allocates no managed object per thread: a collection is never
/// needed. Either way the exited thread's heap, with its free lists, goes to the next new thread.</item>
/// </list>
/// </remarks>
internal static unsafe class HeapPool
{
    /// <summary>The bump area a heap takes from the shared area at a time (llheap's 2 MiB).</summary>
    internal const nuint BumpChunk = 2 * 1024 * 1024;

    /// <summary>The most bytes a heap prefaults ahead (<see cref="BumpChunk"/>).</summary>
    internal const nuint MaxPrefault = BumpChunk;

    /// <summary>Address space reserved at a time for the shared area.</summary>
    private static readonly nuint s_reservationSize = (nuint)Math.Min(64UL << 30, (ulong)nuint.MaxValue / 4);

    /// <summary>Returns the calling thread's heap to the pool when the thread dies.</summary>
    [ThreadStatic] private static HeapReleaser? t_releaser;

    /// <summary>Bytes by which the shared area is committed at a time (M_TOP_PAD).</summary>
    internal static nuint s_extension = AllocatorOptions.Effective.Extension;

    private static readonly AllocatorLock s_areaLock = new();
    private static byte* s_areaNext;
    private static byte* s_areaCommitted;
    private static byte* s_areaReserved;
    private static long s_extendCalls;
    private static long s_extendBytes;

    private static readonly AllocatorLock s_heapLock = new();
    private static ThreadHeap* s_allHeaps;
    private static ThreadHeap* s_freeHeaps;
    /// <summary>The owner thread of each heap, by <see cref="ThreadHeap.Id"/>; empty when the host reports exits.</summary>
    private static readonly List<Thread?> s_owners = [];

    /// <summary>Whether a native host reports each thread's exit (<see cref="ReportExitsFromHost"/>).</summary>
    private static bool s_hostReportsExits;
    private static int s_createdSinceScan;
    private static long s_assignments;
    private static long s_threadsStarted;
    private static long s_threadsExited;
    private static long s_heapsNew;
    private static long s_heapsReused;
    private static long s_trimCalls;
    private static long s_trimBytes;

    /// <summary>The lock that statistics and trimming take to walk the heaps.</summary>
    internal static AllocatorLock HeapLock => s_heapLock;

    /// <summary>The lock of the shared area (taken inside <see cref="HeapLock"/> when both are held).</summary>
    internal static AllocatorLock AreaLock => s_areaLock;

    /// <summary>The first heap of the list of every heap.</summary>
    internal static ThreadHeap* AllHeaps => s_allHeaps;

    /// <summary>The first heap of the stack of heaps with no owner.</summary>
    internal static ThreadHeap* FreeHeaps => s_freeHeaps;

    /// <summary>Process-wide counters that change only under a lock.</summary>
    internal static (long ExtendCalls, long ExtendBytes, long ThreadsStarted, long ThreadsExited, long HeapsNew, long HeapsReused, long TrimCalls, long TrimBytes) GlobalCounters
        => (Volatile.Read(ref s_extendCalls), Volatile.Read(ref s_extendBytes), s_threadsStarted, s_threadsExited, s_heapsNew, s_heapsReused, s_trimCalls, s_trimBytes);

    /// <summary>Whether a live thread owns <paramref name="heap"/> (call under <see cref="HeapLock"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static bool IsOwned(ThreadHeap* heap) => heap->Owned;

    /// <summary>
    /// From now on the host reports each thread's exit through <see cref="ReleaseCurrent"/>: no finalizer object
    /// and no <see cref="Thread"/> per thread. Call before the first allocation.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void ReportExitsFromHost()
    {
        using (s_heapLock.Hold())
        {
            if (s_allHeaps != null)
                throw new InvalidOperationException("cfa-malloc has already made a heap: exits can be reported by the host only from the start.");
            s_hostReportsExits = true;
        }
    }

    /// <summary>Returns the calling thread's heap to the pool (the host saw the thread end); the thread has none after.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void ReleaseCurrent()
    {
        ThreadHeap* heap = CurrentHeap.Heap;
        if (heap == null)
            return;
        CurrentHeap.Heap = null;
        Release(heap, heap->Assignment);
    }

    /// <summary>Records a trim (called under <see cref="HeapLock"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void CountTrim(long bytes)
    {
        s_trimCalls++;
        s_trimBytes += bytes;
    }

    /// <summary>
    /// The calling thread's heap, made or taken from the pool on the thread's first call.
    /// Returns null only when memory is exhausted.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    internal static ThreadHeap* Acquire()
    {
        ThreadHeap* heap = CurrentHeap.Heap;
        if (heap != null)
            return heap;

        long assignment;
        using (s_heapLock.Hold())
        {
            // Scan for dead owners whenever no heap is free; with thousands of live heaps, only
            // after a sixty-fourth of them has been made since the last scan (amortised O(1)).
            if (!s_hostReportsExits && s_freeHeaps == null && s_createdSinceScan >= s_owners.Count / 64)
                ReclaimDeadOwners();
            heap = s_freeHeaps;
            if (heap != null)
            {
                s_freeHeaps = heap->NextFree;
                heap->NextFree = null;
                s_heapsReused++;
                HeapInvariants.Assert(HeapInvariants.Check(heap));
            }
            else
            {
                heap = (ThreadHeap*)TakeFromArea(ThreadHeap.Span, ThreadHeap.Alignment);
                if (heap == null)
                    return null;
                ThreadHeap.Initialize(heap, (int)s_heapsNew);
                if (!s_hostReportsExits)
                    s_owners.Add(null);
                heap->NextInPool = s_allHeaps;
                s_allHeaps = heap;
                s_heapsNew++;
                s_createdSinceScan++;
            }
            assignment = ++s_assignments;
            heap->Assignment = assignment;
            heap->Owned = true;
            if (!s_hostReportsExits)
                s_owners[heap->Id] = Thread.CurrentThread;
            s_threadsStarted++;
        }

        CurrentHeap.Heap = heap;
        if (!s_hostReportsExits)
            t_releaser = new HeapReleaser(heap, assignment);
        return heap;
    }

    /// <summary>Puts a heap back on the free stack if it still belongs to assignment <paramref name="assignment"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Release(ThreadHeap* heap, long assignment)
    {
        using (s_heapLock.Hold())
            ReleaseLocked(heap, assignment);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ReleaseLocked(ThreadHeap* heap, long assignment)
    {
        if (heap->Assignment != assignment || !heap->Owned)
            return;
        heap->Owned = false;
        if (!s_hostReportsExits)
            s_owners[heap->Id] = null;
        // The owner has died: the blocks it freed for other heaps go home now, not when
        // (if ever) another thread takes this heap.
        FreePaths.FlushChains(heap);
        HeapInvariants.Assert(HeapInvariants.Check(heap));
        heap->NextFree = s_freeHeaps;
        s_freeHeaps = heap;
        s_threadsExited++;
    }

    /// <summary>Finds heaps whose owner thread has ended (called under the heap lock).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ReclaimDeadOwners()
    {
        s_createdSinceScan = 0;
        for (ThreadHeap* h = s_allHeaps; h != null; h = h->NextInPool)
        {
            Thread? owner = s_owners[h->Id];
            if (h->Owned && owner != null && !owner.IsAlive)
                ReleaseLocked(h, h->Assignment);
        }
    }

    /// <summary>
    /// Gives <paramref name="heap"/> a new bump area of at least <paramref name="minBytes"/>.
    /// What is left of the old one is abandoned (the thesis's design does not split or
    /// coalesce). Returns false when memory is exhausted.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    internal static bool ExtendBumpArea(ThreadHeap* heap, nuint minBytes)
    {
        nuint bytes = Math.Max(BumpChunk, OsMemory.RoundUpToPage(minBytes));
        byte* area = TakeFromArea(bytes, OsMemory.s_pageSize);
        if (area == null)
            return false;
        heap->BumpNext = area;
        heap->BumpEnd = area + bytes;
        heap->LastCarved = null;
        heap->PrefaultedEnd = area;
        HeapInvariants.Assert(HeapInvariants.CheckBumpArea(heap));
        return true;
    }

    /// <summary>
    /// Bytes of the bump area made resident ahead of carving, in one system call, when carving passes the
    /// prefaulted end (0: off). See <see cref="Prefault"/>.
    /// </summary>
    internal static nuint s_prefault = AllocatorOptions.Effective.Prefault;

    /// <summary>
    /// Makes the bump area resident from the page of <paramref name="carvedFrom"/> (or the prefaulted end, if
    /// further) to at least the carving point plus <see cref="s_prefault"/> bytes, within the bump area.
    /// </summary>
    /// <remarks>
    /// Why: on this project's VMs a page fault costs about 15 us, while populating a range costs about 8 us per
    /// page, so a program that grows its heap (every real program's start, the trace replays) spends half as long
    /// making memory resident. The cost is at most <see cref="s_prefault"/> resident bytes per heap that no
    /// block uses yet (MallocTrim gives them back). When a heap moves to a new bump area, what it prefaulted past the
    /// end of the old one's last block stays resident: less than one block of the size that did not fit, and at most
    /// <see cref="s_prefault"/>. If the OS cannot populate (Linux before 5.14), prefaulting turns itself off and pages
    /// fault on first touch as before.
    /// </remarks>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    internal static void Prefault(ThreadHeap* heap, byte* carvedFrom)
    {
        var from = (byte*)Math.Max((nuint)heap->PrefaultedEnd, (nuint)carvedFrom & ~(OsMemory.s_pageSize - 1));
        var to = (byte*)OsMemory.RoundUpToPage((nuint)heap->BumpNext + s_prefault);
        var end = (byte*)OsMemory.RoundUpToPage((nuint)heap->BumpEnd);
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
            s_prefault = 0;
            return false;
        }
        heap->PrefaultCalls++;
        heap->PrefaultBytes += (long)bytes;
        return true;
    }

    /// <summary>
    /// Takes <paramref name="bytes"/> (rounded up to pages) of committed shared area starting at a multiple of
    /// <paramref name="alignment"/> (a power of two, at least a page); the pages skipped to align are never touched.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static byte* TakeFromArea(nuint bytes, nuint alignment)
    {
        bytes = OsMemory.RoundUpToPage(bytes);
        using (s_areaLock.Hold())
        {
            byte* p = AlignedNext(alignment);
            if (p < s_areaNext || p > s_areaCommitted || (nuint)(s_areaCommitted - p) < bytes)
            {
                if (!GrowArea(bytes + alignment))
                    return null;
                p = AlignedNext(alignment);
            }
            s_areaNext = p + bytes;
            return p;
        }

        static byte* AlignedNext(nuint alignment) => (byte*)(((nuint)s_areaNext + alignment - 1) & ~(alignment - 1));
    }

    /// <summary>Commits more of the reservation, reserving a new range when it is used up.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool GrowArea(nuint bytes)
    {
        nuint growth = Math.Max(s_extension, bytes);
        growth = OsMemory.RoundUpToPage(growth);
        if (growth == 0)
            return false;
        if ((nuint)(s_areaReserved - s_areaCommitted) < growth)
        {
            // A fresh range; the uncommitted tail of the old one stays reserved and unused.
            // Under an address-space limit (ulimit -v, valgrind) a large reservation fails:
            // halve it until the OS accepts, down to what this extension needs.
            nuint reserve = OsMemory.s_useMmap ? Math.Max(s_reservationSize, growth) : growth;
            byte* range = (byte*)OsMemory.Reserve(reserve);
            while (range == null && reserve / 2 >= growth)
            {
                reserve = OsMemory.RoundUpToPage(reserve / 2);
                range = (byte*)OsMemory.Reserve(reserve);
            }
            if (range == null)
                return false;
            s_areaNext = s_areaCommitted = range;
            s_areaReserved = range + reserve;
        }
        if (!OsMemory.Commit(s_areaCommitted, growth))
            return false;
        s_areaCommitted += growth;
        s_extendCalls++;
        s_extendBytes += (long)growth;
        return true;
    }

    /// <summary>Lives in a thread-static slot; its finalizer runs after the thread has died.</summary>
    private sealed class HeapReleaser(ThreadHeap* heap, long assignment)
    {
        ~HeapReleaser() => Release(heap, assignment);
    }
}
