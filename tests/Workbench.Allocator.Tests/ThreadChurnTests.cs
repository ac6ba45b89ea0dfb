using System.Collections.Concurrent;
using Workbench.Allocator.Testing;

namespace Workbench.Allocator.Tests;

/// <summary>Thousands of short-lived threads: exited threads' heaps are reused, memory stays bounded.</summary>
public unsafe class ThreadChurnTests
{
    private const int Threads = 2000;
    private const int Wave = 20;

    private static void Collect()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        GC.WaitForPendingFinalizers();
    }

    private static void RunWave(int wave, ConcurrentQueue<(nint P, nuint Size, ulong Seed)> leftBehind, ConcurrentQueue<string> errors)
    {
        var threads = new Thread[Wave];
        for (int t = 0; t < Wave; t++)
        {
            int id = wave * Wave + t;
            threads[t] = new Thread(() =>
            {
                try
                {
                    var rng = new Random(id);
                    var mine = new List<(nint P, nuint Size, ulong Seed)>();
                    for (int i = 0; i < 40; i++)
                    {
                        nuint n = (nuint)rng.Next(1, rng.Next(10) == 0 ? 20_000 : 400);
                        void* p = CfaMalloc.Malloc(n);
                        if (p == null)
                        {
                            errors.Enqueue($"thread {id}: Malloc({n}) returned null");
                            return;
                        }
                        ulong seed = Pattern.SeedFor(p, n);
                        Pattern.Fill(p, n, seed);
                        mine.Add(((nint)p, n, seed));
                    }
                    for (int i = 0; i < mine.Count; i++)
                    {
                        var (p, n, seed) = mine[i];
                        if (Pattern.Check((void*)p, n, seed) >= 0)
                            errors.Enqueue($"thread {id}: block 0x{p:x} of {n} corrupted");
                        // Every fifth thread leaves one block for the main thread to free later.
                        if (i == 0 && id % 5 == 0)
                            leftBehind.Enqueue(mine[i]);
                        else
                            CfaMalloc.Free((void*)p);
                    }
                }
                catch (Exception e)
                {
                    errors.Enqueue($"thread {id}: {e}");
                }
            }, 256 * 1024);
            threads[t].Start();
        }
        foreach (var t in threads)
            t.Join();
    }

    [Fact]
    public void ShortLivedThreads_ReuseHeapsAndMemoryStaysBounded()
    {
        var leftBehind = new ConcurrentQueue<(nint P, nuint Size, ulong Seed)>();
        var errors = new ConcurrentQueue<string>();
        const int Waves = Threads / Wave;
        const int WarmWaves = 5;
        Collect();
        var s0 = CfaMalloc.GetStatistics();
        AllocatorStatistics? sWarm = null;
        for (int w = 0; w < Waves; w++)
        {
            if (w == WarmWaves)
                sWarm = CfaMalloc.GetStatistics();
            RunWave(w, leftBehind, errors);
            // Blocks left behind by the exited threads are freed here, on the main thread.
            while (leftBehind.TryDequeue(out var b))
            {
                if (Pattern.Check((void*)b.P, b.Size, b.Seed) >= 0)
                    errors.Enqueue($"left-behind block 0x{b.P:x} corrupted");
                CfaMalloc.Free((void*)b.P);
            }
            Collect();
        }
        Collect();
        var s1 = CfaMalloc.GetStatistics();
        Assert.True(errors.IsEmpty, string.Join("\n", errors.Take(20)));

        long started = s1.ThreadsStarted - s0.ThreadsStarted;
        long exited = s1.ThreadsExited - s0.ThreadsExited;
        long heapsNew = s1.HeapsNew - s0.HeapsNew;
        long heapsReused = s1.HeapsReused - s0.HeapsReused;
        string summary = $"started {started}, exited {exited}, heaps new {heapsNew}, reused {heapsReused}";
        Assert.True(started >= Threads && started <= Threads + 10, summary);
        Assert.True(exited >= Threads - Wave && exited <= started + 100, summary);
        Assert.True(heapsNew + heapsReused == started, "every started thread gets one heap, new or reused: " + summary);
        Assert.True(heapsNew <= 3 * Wave, "exited threads' heaps must be reused: " + summary);
        Assert.True(heapsReused >= Threads - 3 * Wave, summary);

        // After the warm-up waves the pool holds enough heaps: few new heaps, little new memory.
        Assert.NotNull(sWarm);
        long lateNew = s1.HeapsNew - sWarm!.HeapsNew;
        long lateExtend = s1.ExtendBytes - sWarm.ExtendBytes;
        long lateMmap = (s1.MmapBytes - sWarm.MmapBytes) - (s1.MunmapBytes - sWarm.MunmapBytes);
        Assert.True(lateNew <= Wave, $"{lateNew} new heaps after the warm-up waves: " + summary);
        Assert.True(lateExtend <= 32L << 20, $"the shared area grew by {lateExtend} bytes after the warm-up waves");
        Assert.True(lateMmap <= 8L << 20, $"{lateMmap} bytes stayed mapped after the warm-up waves");
        Assert.Equal(s0.BytesInUse, s1.BytesInUse);
    }

    [Fact]
    public void ANewThread_YieldsBeforeThePoolGrows_OnlyOnceThePoolHoldsTwiceTheCpusHeaps()
    {
        // Threads that stay alive, started one after another in a process of its own: each makes a heap. Below twice
        // the CPUs' heaps a yield only costs a thread started beside busy ones a time slice (the speed benchmark's
        // two workers); past it the pool waits once for threads that may be ending (larson's successors).
        var run = Probe.Run("pool-yield");
        run.AssertRan();
        long cpus = run.GetLong("CPUS"), before = run.GetLong("HEAPS_BEFORE"), threads = run.GetLong("THREADS");
        Assert.Equal(threads, run.GetLong("HEAPS_NEW_DELTA"));
        long belowThreshold = Math.Max(0, 2 * cpus - before);
        Assert.True(belowThreshold > 0 && belowThreshold < threads, $"{cpus} CPUs, {before} heaps before {threads} threads");
        Assert.Equal(threads - belowThreshold, run.GetLong("YIELDS"));
    }

    [Fact]
    public void ThreadDone_HandsTheHeapToTheNextThread_WithTheBlocksFreedOnItAndTheLiveOnesIntact()
    {
        // Thread A allocates 200 blocks, frees half, and says it is done while it is still alive: its heap goes back to
        // the pool at once (the finalizer, when it runs later, must not release it again). Thread B, started after,
        // takes that heap, reuses the blocks A freed, frees A's live blocks as its own, and finds them intact.
        const int N = 200;
        var live = new List<(nint P, ulong Seed)>();
        var freed = new HashSet<nint>();
        ThreadHeap* heapOfA = null;
        ThreadHeap* heapOfB = null;
        long reusedBefore = 0, reusedAfterB = 0;
        var errors = new ConcurrentQueue<string>();
        var a = new Thread(() =>
        {
            for (int i = 0; i < N; i++)
            {
                void* p = CfaMalloc.Malloc(48);
                Support.NotNull(p, "Malloc on A");
                if (i % 2 == 0)
                    live.Add(((nint)p, Support.FillUsable(p)));
                else
                    freed.Add((nint)p);
            }
            heapOfA = CurrentHeap.Heap;
            foreach (nint p in freed)
                CfaMalloc.Free((void*)p);
            reusedBefore = CfaMalloc.GetStatistics().HeapsReused;
            CfaMalloc.ThreadDone();
            if (CurrentHeap.Heap != null)
                errors.Enqueue("A still has a heap after ThreadDone");
            var b = new Thread(() =>
            {
                var again = new List<nint>();
                for (int i = 0; i < N / 2; i++)
                    again.Add((nint)CfaMalloc.Malloc(48));
                heapOfB = CurrentHeap.Heap;
                reusedAfterB = CfaMalloc.GetStatistics().HeapsReused;
                if (!again.All(freed.Contains))
                    errors.Enqueue($"B's mallocs took {again.Count(freed.Contains)} of the {N / 2} blocks A freed");
                foreach ((nint p, ulong seed) in live)
                {
                    if (Pattern.Check((void*)p, CfaMalloc.MallocUsableSize((void*)p), seed) >= 0)
                        errors.Enqueue($"A's live block 0x{p:x} changed");
                    CfaMalloc.Free((void*)p);
                }
                again.ForEach(p => CfaMalloc.Free((void*)p));
                if (HeapInvariants.Check(CurrentHeap.Heap) is string violation)
                    errors.Enqueue(violation);
            });
            b.Start();
            b.Join();
        });
        a.Start();
        a.Join();
        Assert.Empty(errors);
        Assert.True(heapOfA != null && heapOfB == heapOfA, "B did not take A's heap");
        Assert.Equal(reusedBefore + 1, reusedAfterB);

        // A has ended: its finalizer's late release must leave the heap with its new owner's assignment alone, and a
        // thread that calls ThreadDone and then allocates again takes a heap anew.
        Collect();
        Support.OnOwnThread(() =>
        {
            void* p = CfaMalloc.Malloc(100);
            Support.NotNull(p, "Malloc before ThreadDone");
            CfaMalloc.ThreadDone();
            void* q = CfaMalloc.Malloc(100);
            Support.NotNull(q, "Malloc after ThreadDone");
            Assert.True(CurrentHeap.Heap != null);
            CfaMalloc.Free(p);
            CfaMalloc.Free(q);
            Assert.Null(HeapInvariants.Check(CurrentHeap.Heap));
        });
    }
}
