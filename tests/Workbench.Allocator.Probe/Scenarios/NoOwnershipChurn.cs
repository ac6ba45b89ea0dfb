using Workbench.Allocator.Testing;
using static Workbench.Allocator.Probe.Report;

namespace Workbench.Allocator.Probe.Scenarios;

/// <summary>
/// Waves of short-lived producer threads hand blocks to one long-lived consumer; reports pattern errors, how often
/// the consumer got back a block it had freed, and the remote pushes, bytes in use and new heaps this left.
/// </summary>
internal static unsafe class NoOwnershipChurn
{
    public static void Run()
    {
        // Short-lived producers hand blocks to a long-lived consumer that frees them (keeping
        // them, without ownership) and allocates the same sizes again; the producers' heaps go
        // to the pool and are taken over by later producers.
        Put("HAS_OWNERSHIP", CfaMalloc.HasOwnership);
        CfaMalloc.Free(CfaMalloc.Malloc(1));
        var s0 = CfaMalloc.GetStatistics();
        var queue = new System.Collections.Concurrent.BlockingCollection<(nint P, nuint Size, ulong Seed)>(2000);
        int errors = 0;
        long reusedByConsumer = 0;
        var consumer = new Thread(() =>
        {
            CfaMalloc.Free(CfaMalloc.Malloc(1));
            var mine = new List<(nint P, nuint Size, ulong Seed)>();
            var freed = new HashSet<nint>();
            foreach (var (p, n, seed) in queue.GetConsumingEnumerable())
            {
                if (Pattern.Check((void*)p, n, seed) >= 0)
                    Interlocked.Increment(ref errors);
                CfaMalloc.Free((void*)p);
                freed.Add(p);
                void* q = CfaMalloc.Malloc(n);
                if (freed.Contains((nint)q))
                    reusedByConsumer++;
                ulong qs = Pattern.SeedFor(q, n);
                Pattern.Fill(q, n, qs);
                mine.Add(((nint)q, n, qs));
                if (mine.Count > 500)
                {
                    foreach (var (mp, mn, ms) in mine)
                    {
                        if (Pattern.Check((void*)mp, mn, ms) >= 0)
                            Interlocked.Increment(ref errors);
                        CfaMalloc.Free((void*)mp);
                    }
                    mine.Clear();
                }
            }
            foreach (var (mp, mn, ms) in mine)
            {
                if (Pattern.Check((void*)mp, mn, ms) >= 0)
                    Interlocked.Increment(ref errors);
                CfaMalloc.Free((void*)mp);
            }
        });
        consumer.Start();
        for (int wave = 0; wave < 60; wave++)
        {
            var producers = new Thread[4];
            for (int t = 0; t < producers.Length; t++)
            {
                int id = wave * 4 + t;
                producers[t] = new Thread(() =>
                {
                    var rng = new Random(id);
                    for (int i = 0; i < 150; i++)
                    {
                        nuint n = (nuint)rng.Next(1, 3000);
                        void* p = CfaMalloc.Malloc(n);
                        ulong seed = Pattern.SeedFor(p, n);
                        Pattern.Fill(p, n, seed);
                        queue.Add(((nint)p, n, seed));
                    }
                });
                producers[t].Start();
            }
            foreach (var t in producers)
                t.Join();
            if (wave % 10 == 9)
            {
                GC.Collect();
                GC.WaitForPendingFinalizers();
            }
        }
        queue.CompleteAdding();
        consumer.Join();
        var s1 = CfaMalloc.GetStatistics();
        Put("ERRORS", errors);
        Put("REUSED_BY_CONSUMER", reusedByConsumer);
        Put("PUSHES_DELTA", s1.RemotePushes - s0.RemotePushes);
        Put("INUSE_DELTA", s1.BytesInUse - s0.BytesInUse);
        Put("HEAPS_NEW_DELTA", s1.HeapsNew - s0.HeapsNew);
    }
}
