using static Workbench.Allocator.Probe.Report;

namespace Workbench.Allocator.Probe.Scenarios;

/// <summary>
/// When a new thread yields before the heap pool grows: threads started one after another, each taking a heap on its
/// first malloc and staying alive until the end, so that no heap is ever free. Reports the process's CPUs, the heaps
/// made before the first of them, how many heaps they made and how many of them yielded.
/// </summary>
internal static unsafe class PoolYield
{
    public static void Run()
    {
        CfaMalloc.Free(CfaMalloc.Malloc(16));
        int cpus = Environment.ProcessorCount;
        int threads = 2 * cpus + 3;
        AllocatorStatistics s0 = CfaMalloc.GetStatistics();
        Put("CPUS", cpus);
        Put("HEAPS_BEFORE", s0.HeapsNew);
        Put("THREADS", threads);
        using var end = new ManualResetEventSlim();
        var started = new List<Thread>();
        for (int i = 0; i < threads; i++)
        {
            using var ready = new ManualResetEventSlim();
            var thread = new Thread(() =>
            {
                void* p = CfaMalloc.Malloc(64);
                ready.Set();
                end.Wait();
                CfaMalloc.Free(p);
            });
            thread.Start();
            ready.Wait();
            started.Add(thread);
        }
        AllocatorStatistics s1 = CfaMalloc.GetStatistics();
        end.Set();
        started.ForEach(t => t.Join());
        Put("HEAPS_NEW_DELTA", s1.HeapsNew - s0.HeapsNew);
        Put("YIELDS", s1.GrowthYields - s0.GrowthYields);
    }
}
