using System.Runtime.CompilerServices;

namespace Workbench.Allocator;

/// <summary>
/// The pool of heaps (with <see cref="SharedArea"/>, the thesis's "heap manager"): a heap for each thread, made from
/// the shared area or taken over from a thread that has exited.
/// </summary>
/// <remarks>
/// Invariants:
/// <list type="bullet">
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
    /// <summary>Returns the calling thread's heap to the pool when the thread dies.</summary>
    [ThreadStatic] private static HeapReleaser? t_releaser;

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
    private static long s_growthYields;
    private static long s_trimCalls;
    private static long s_trimBytes;

    /// <summary>The lock that statistics and trimming take to walk the heaps.</summary>
    internal static AllocatorLock HeapLock => s_heapLock;

    /// <summary>The first heap of the list of every heap.</summary>
    internal static ThreadHeap* AllHeaps => s_allHeaps;

    /// <summary>The first heap of the stack of heaps with no owner.</summary>
    internal static ThreadHeap* FreeHeaps => s_freeHeaps;

    /// <summary>Process-wide counters that change only under a lock, but the yields' (an interlocked increment).</summary>
    internal static (long ExtendCalls, long ExtendBytes, long ThreadsStarted, long ThreadsExited, long HeapsNew, long HeapsReused, long GrowthYields, long TrimCalls, long TrimBytes) GlobalCounters
        => (SharedArea.Counters.ExtendCalls, SharedArea.Counters.ExtendBytes, s_threadsStarted, s_threadsExited, s_heapsNew, s_heapsReused,
            Volatile.Read(ref s_growthYields), s_trimCalls, s_trimBytes);

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

        // No heap is free, and the pool holds twice as many heaps as the process has CPUs: give a thread that is ending
        // a chance to be seen to end before a heap is made for this one (see YieldToEndingThreads).
        if (s_freeHeaps == null && Volatile.Read(ref s_heapsNew) >= 2 * Environment.ProcessorCount)
            YieldToEndingThreads();

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
                heap = (ThreadHeap*)SharedArea.Take(ThreadHeap.Span, ThreadHeap.Alignment);
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

        // The fast paths' copies for code compiled ahead of time, before this thread (or any) has a heap to use them with.
        FastPathValues.Publish(BlockHeader.FreedMark, ThreadHeap.Span, ThreadHeap.s_bucketTallyOffset, ThreadHeap.s_naturalOffset);
        CurrentHeap.Heap = heap;
        if (!s_hostReportsExits)
            t_releaser = new HeapReleaser(heap, assignment);
        return heap;
    }

    /// <summary>
    /// Lets the threads that are ready run once before the pool grows past twice the process's CPUs
    /// (<see cref="Environment.ProcessorCount"/>: those of the affinity it started with). A thread that starts its
    /// successor and then ends (larson's pattern, a thread per request) is still alive when the successor's first call
    /// arrives, and on a busy CPU it may not run again, to finish its exit, until the successor's time slice is over:
    /// the successor then takes a new heap, and the blocks the predecessor freed stay on a heap no one uses. Pinned to
    /// one CPU, the ahead-of-time build made 26-112 heaps per second of larson this way where one yield makes 3 (issue
    /// 19, docs/results.md). But a yield costs the new thread a scheduler slice whenever its CPU is shared: yielding
    /// at every thread start that found no free heap, the speed benchmark's two workers, started on two CPUs while the
    /// warm-up threads were ending, took 3.7-7.2 ns per malloc+free over their first routine, against 1.7-2.1 without.
    /// Below twice the CPUs a new heap is most likely a thread's that runs beside the others; past it the process runs
    /// more threads than CPUs, where a new thread waits for a slice anyway. One sched_yield per thread start that finds
    /// no free heap; the heap lock is not held.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void YieldToEndingThreads()
    {
        Interlocked.Increment(ref s_growthYields);
        Thread.Yield();
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
        RemoteChain.FlushAll(heap);
        HeapInvariants.Assert(HeapInvariants.Check(heap));
        heap->NextFree = s_freeHeaps;
        s_freeHeaps = heap;
        s_threadsExited++;
    }

    /// <summary>
    /// Puts the heaps of owner threads that have ended on the free stack now, without waiting for their finalizers (which
    /// need a collection). Called under the heap lock, by MallocTrim, which can then trim them. A native host reports
    /// exits itself: nothing to find.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void ReclaimExitedLocked()
    {
        if (!s_hostReportsExits)
            ReclaimDeadOwners();
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

    /// <summary>Lives in a thread-static slot; its finalizer runs after the thread has died.</summary>
    private sealed class HeapReleaser(ThreadHeap* heap, long assignment)
    {
        ~HeapReleaser() => Release(heap, assignment);
    }
}
