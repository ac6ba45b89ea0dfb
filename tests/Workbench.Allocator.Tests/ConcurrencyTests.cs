using System.Collections.Concurrent;
using Workbench.Allocator.Testing;

namespace Workbench.Allocator.Tests;

/// <summary>Races the stress test does not aim at: exiting owners, producer/consumer, statistics under load.</summary>
public unsafe class ConcurrencyTests
{
    private static void Collect()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        GC.WaitForPendingFinalizers();
    }

    [Fact]
    public void ShortLivedProducers_HandBlocksToALongLivedConsumer_WhileTheyExit()
    {
        // Blocks are freed remotely while their owners exit and their heaps are pooled and
        // taken over by new threads: pushes race with the hand-over of the heap.
        Collect();
        var s0 = CfaMalloc.GetStatistics();
        var queue = new BlockingCollection<(nint P, nuint Size, ulong Seed)>(4000);
        var errors = new ConcurrentQueue<string>();
        long consumed = 0;
        using var consumerReady = new ManualResetEventSlim();
        var consumer = new Thread(() =>
        {
            // The consumer gets its own heap before any producer exits; otherwise its first call
            // could take over an exited producer's heap, whose blocks would then be its own.
            CfaMalloc.Free(CfaMalloc.Malloc(1));
            consumerReady.Set();
            foreach (var (p, n, seed) in queue.GetConsumingEnumerable())
            {
                if (Pattern.Check((void*)p, n, seed) >= 0)
                    errors.Enqueue($"block 0x{p:x} of {n} corrupted before the consumer freed it");
                if (!CfaMalloc.MallocRemote((void*)p) && n < 100_000)
                    errors.Enqueue($"block 0x{p:x} of a producer is not remote on the consumer");
                CfaMalloc.Free((void*)p);
                consumed++;
            }
        });
        consumer.Start();
        consumerReady.Wait();
        const int Producers = 400, Concurrent = 8, PerProducer = 200;
        for (int wave = 0; wave < Producers / Concurrent; wave++)
        {
            var threads = new Thread[Concurrent];
            for (int t = 0; t < Concurrent; t++)
            {
                int id = wave * Concurrent + t;
                threads[t] = new Thread(() =>
                {
                    var rng = new Random(id);
                    for (int i = 0; i < PerProducer; i++)
                    {
                        nuint n = (nuint)rng.Next(1, 2000);
                        void* p = CfaMalloc.Malloc(n);
                        if (p == null)
                        {
                            errors.Enqueue($"producer {id}: Malloc({n}) returned null");
                            return;
                        }
                        ulong seed = Pattern.SeedFor(p, n);
                        Pattern.Fill(p, n, seed);
                        queue.Add(((nint)p, n, seed));
                    }
                }, 256 * 1024);
                threads[t].Start();
            }
            foreach (var t in threads)
                t.Join();
            if (wave % 10 == 9)
                Collect();
        }
        queue.CompleteAdding();
        Assert.True(consumer.Join(120_000), "consumer hung");
        Collect();
        var s1 = CfaMalloc.GetStatistics();
        Assert.True(errors.IsEmpty, string.Join("\n", errors.Take(20)));
        Assert.Equal((long)Producers * PerProducer, consumed);
        Assert.Equal(s0.BytesInUse, s1.BytesInUse);
        Assert.True(s1.RemotePushes - s0.RemotePushes >= (long)Producers * PerProducer, $"pushes {s1.RemotePushes - s0.RemotePushes}");
        long heapsNew = s1.HeapsNew - s0.HeapsNew;
        Assert.True(heapsNew <= 4 * Concurrent, $"{heapsNew} new heaps for {Producers} producers run {Concurrent} at a time");
    }

    [Fact]
    public void BlocksGrownPastTheMmapThreshold_FreedByTheirThreadsAndByOthers_KeepTheirBytes_MostWithoutAMapping()
    {
        // Each thread grows a block from 64 KiB to 1 MiB by half at a time (past the threshold where its bump area has
        // room), then frees it itself or hands it to the next thread, which checks and frees it: large bucket blocks
        // freed locally and remotely while their owners keep growing new ones, which take them again.
        Collect();
        var s0 = CfaMalloc.GetStatistics();
        nuint threshold = CfaMalloc.MmapThreshold;
        const int Threads = 3, Rounds = 25;
        var queues = Enumerable.Range(0, Threads).Select(_ => new ConcurrentQueue<(nint P, nuint Size, ulong Seed)>()).ToArray();
        var errors = new ConcurrentQueue<string>();
        long pastThresholdInPlace = 0, handedOff = 0;
        void CheckAndFree((nint P, nuint Size, ulong Seed) item)
        {
            if (Pattern.Check((void*)item.P, item.Size, item.Seed) >= 0)
                errors.Enqueue($"block 0x{item.P:x} of {item.Size} corrupted before it was freed");
            CfaMalloc.Free((void*)item.P);
        }
        var workers = Enumerable.Range(0, Threads).Select(t => new Thread(() =>
        {
            var rng = new Random(t);
            for (int round = 0; round < Rounds; round++)
            {
                nuint size = 64 * 1024;
                byte* p = (byte*)CfaMalloc.Malloc(size);
                ulong seed = Pattern.SeedFor(p, size);
                Pattern.Fill(p, size, seed);
                while (size < 1024 * 1024)
                {
                    nuint next = Math.Min(1024 * 1024, size + size / 2);
                    byte* q = (byte*)CfaMalloc.Realloc(p, next);
                    if (Pattern.Check(q, size, seed) >= 0)
                        errors.Enqueue($"realloc {size} -> {next} lost bytes");
                    if (q == p && next >= threshold)
                        Interlocked.Increment(ref pastThresholdInPlace);
                    p = q;
                    size = next;
                    seed = Pattern.SeedFor(p, size);
                    Pattern.Fill(p, size, seed);
                }
                while (queues[t].TryDequeue(out var item))
                    CheckAndFree(item);
                if (rng.Next(2) == 0)
                {
                    CheckAndFree(((nint)p, size, seed));
                }
                else
                {
                    queues[(t + 1) % Threads].Enqueue(((nint)p, size, seed));
                    Interlocked.Increment(ref handedOff);
                }
            }
        })).ToArray();
        foreach (var w in workers)
            w.Start();
        foreach (var w in workers)
            Assert.True(w.Join(120_000), "a worker hung");
        foreach (var q in queues)
            while (q.TryDequeue(out var item))
                CheckAndFree(item);
        Collect();
        var s1 = CfaMalloc.GetStatistics();
        Assert.True(errors.IsEmpty, string.Join("\n", errors));
        Assert.True(pastThresholdInPlace > 0, "no block grew past the mmap threshold in place");
        // Every round crosses the threshold; a mapping is made only where the bump area had no room for the block.
        Assert.True(s1.MmapCalls - s0.MmapCalls < Threads * Rounds,
            $"{s1.MmapCalls - s0.MmapCalls} mmap calls for {Threads * Rounds} rounds ({pastThresholdInPlace} growths past the threshold in place)");
        Assert.True(handedOff > 0, "no block was freed by another thread");
        Assert.Equal(s0.BytesInUse, s1.BytesInUse);
    }

    [Fact]
    public void ProducerConsumer_MemoryStaysBoundedBecauseTheOwnerGetsItsBlocksBack()
    {
        Assert.True(CfaMalloc.HasOwnership);
        var s0 = CfaMalloc.GetStatistics();
        var queue = new BlockingCollection<nint>(2000);
        const int Total = 300_000;
        const nuint Size = 256;
        var producer = new Thread(() =>
        {
            for (int i = 0; i < Total; i++)
            {
                void* p = CfaMalloc.Malloc(Size);
                *(int*)p = i;
                queue.Add((nint)p);
            }
            queue.CompleteAdding();
        });
        int bad = 0;
        var consumer = new Thread(() =>
        {
            int expected = 0;
            foreach (nint p in queue.GetConsumingEnumerable())
            {
                if (*(int*)p != expected++)
                    bad++;
                CfaMalloc.Free((void*)p);
            }
        });
        producer.Start();
        consumer.Start();
        Assert.True(producer.Join(120_000) && consumer.Join(120_000), "producer/consumer hung");
        var s1 = CfaMalloc.GetStatistics();
        Assert.Equal(0, bad);
        Assert.Equal(s0.BytesInUse, s1.BytesInUse);
        long grown = s1.ExtendBytes - s0.ExtendBytes;
        // 300,000 blocks of 256 bytes are 77 MB; at most 2,000 are live at a time.
        Assert.True(grown <= 32L << 20, $"the shared area grew by {grown} bytes: the producer does not get its blocks back");
        Assert.True(s1.RemotePulls - s0.RemotePulls >= 1);
    }

    [Fact]
    public void Statistics_CanBeReadWhileOtherThreadsAllocate_AndOnlyGrow()
    {
        int stop = 0;
        var workers = new Thread[2];
        for (int t = 0; t < workers.Length; t++)
        {
            int seed = t;
            workers[t] = new Thread(() =>
            {
                var rng = new Random(seed);
                var live = new List<nint>();
                while (Volatile.Read(ref stop) == 0)
                {
                    live.Add((nint)CfaMalloc.Malloc((nuint)rng.Next(1, 5000)));
                    if (live.Count > 100)
                    {
                        foreach (nint p in live)
                            CfaMalloc.Free((void*)p);
                        live.Clear();
                    }
                }
                foreach (nint p in live)
                    CfaMalloc.Free((void*)p);
            });
            workers[t].Start();
        }
        try
        {
            long lastCalls = 0, lastFrees = 0, lastStarted = 0;
            for (int i = 0; i < 300; i++)
            {
                var s = CfaMalloc.GetStatistics();
                Assert.True(s.Malloc.Calls >= lastCalls, $"Malloc.Calls went back from {lastCalls} to {s.Malloc.Calls}");
                Assert.True(s.Free.Calls >= lastFrees, $"Free.Calls went back from {lastFrees} to {s.Free.Calls}");
                Assert.True(s.ThreadsStarted >= lastStarted);
                lastCalls = s.Malloc.Calls;
                lastFrees = s.Free.Calls;
                lastStarted = s.ThreadsStarted;
                if (i % 50 == 0)
                {
                    var w = new StringWriter();
                    CfaMalloc.MallocStats(w);
                    CfaMalloc.MallocInfo(w);
                }
                Thread.Sleep(1);
            }
        }
        finally
        {
            Volatile.Write(ref stop, 1);
            foreach (var t in workers)
                t.Join();
        }
    }
    [Fact]
    public void ThreadsExtendingTheSharedAreaAtOnce_GetDisjointBlocks()
    {
        const int Threads = 4, Blocks = 12_000;
        var s0 = CfaMalloc.GetStatistics();
        using var barrier = new Barrier(Threads);
        var errors = new ConcurrentQueue<string>();
        var workers = new Thread[Threads];
        for (int t = 0; t < Threads; t++)
        {
            int me = t;
            workers[t] = new Thread(() =>
            {
                var mine = new (nint P, nuint Size, ulong Seed)[Blocks];
                var rng = new Random(me);
                barrier.SignalAndWait();
                for (int i = 0; i < Blocks; i++)
                {
                    nuint n = (nuint)rng.Next(512, 3000);
                    void* p = CfaMalloc.Malloc(n);
                    if (p == null)
                    {
                        errors.Enqueue($"thread {me}: Malloc({n}) returned null");
                        return;
                    }
                    ulong seed = Pattern.SeedFor(p, n);
                    Pattern.Fill(p, CfaMalloc.MallocUsableSize(p), seed);
                    mine[i] = ((nint)p, CfaMalloc.MallocUsableSize(p), seed);
                }
                // Everyone has written everything: now check that nobody wrote into our blocks.
                barrier.SignalAndWait();
                foreach (var (p, usable, seed) in mine)
                {
                    if (Pattern.Check((void*)p, usable, seed) >= 0)
                        errors.Enqueue($"thread {me}: block 0x{p:x} overwritten by another thread");
                }
                barrier.SignalAndWait();
                foreach (var (p, _, _) in mine)
                    CfaMalloc.Free((void*)p);
            })
            { IsBackground = true };
            workers[t].Start();
        }
        foreach (var w in workers)
            Assert.True(w.Join(120_000), "worker hung");
        var s1 = CfaMalloc.GetStatistics();
        Assert.True(errors.IsEmpty, string.Join("\n", errors.Take(20)));
        Assert.Equal(s0.BytesInUse, s1.BytesInUse);
    }
    [Fact]
    public void MallocTrim_WhileThreadsComeAndGo_NeverTouchesLiveBlocks()
    {
        // Trim walks the free blocks of pooled heaps while new threads take those heaps over
        // and allocate from them: a live block must never lose its pages.
        var trimmer = new TrimmerThread(pauseMs: 0);
        var errors = new ConcurrentQueue<string>();
        var sw = System.Diagnostics.Stopwatch.StartNew();
        int waves = 0;
        try
        {
            while (sw.ElapsedMilliseconds < 2500 && errors.IsEmpty)
            {
                var threads = new Thread[4];
                for (int t = 0; t < threads.Length; t++)
                {
                    int id = waves * 4 + t;
                    threads[t] = new Thread(() =>
                    {
                        var rng = new Random(id);
                        var mine = new List<(nint P, nuint Size, ulong Seed)>();
                        for (int round = 0; round < 4; round++)
                        {
                            for (int i = 0; i < 24; i++)
                            {
                                nuint n = (nuint)rng.Next(8 * 1024, 40 * 1024);
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
                            Thread.Yield();
                            for (int i = mine.Count - 1; i >= 0; i -= 2)
                            {
                                var (p, n, seed) = mine[i];
                                long at = Pattern.Check((void*)p, n, seed);
                                if (at >= 0)
                                    errors.Enqueue($"thread {id}: live block 0x{p:x} of {n} bytes changed at byte {at} (trimmed under it?)");
                                CfaMalloc.Free((void*)p);
                                mine.RemoveAt(i);
                            }
                        }
                        foreach (var (p, n, seed) in mine)
                        {
                            if (Pattern.Check((void*)p, n, seed) >= 0)
                                errors.Enqueue($"thread {id}: live block 0x{p:x} of {n} bytes changed");
                            CfaMalloc.Free((void*)p);
                        }
                    }, 256 * 1024);
                    threads[t].Start();
                }
                foreach (var t in threads)
                    t.Join();
                waves++;
                if (waves % 8 == 0)
                    Collect();
            }
        }
        finally
        {
            trimmer.Dispose();
        }
        Assert.True(errors.IsEmpty, $"{waves} waves, {trimmer.Trims} trims:\n" + string.Join("\n", errors.Take(20)));
        Assert.True(trimmer.Trims > 0 && waves > 0);
    }
}
