using System.Diagnostics;
using Workbench.Benchmarks.Allocators;
using Workbench.Benchmarks.Model;
using Workbench.Benchmarks.Platform;
using Workbench.Benchmarks.Sizes;

namespace Workbench.Benchmarks.Workloads;

/// <summary>
/// mleak (threads that come and go): generation after generation, <c>threads</c> short-lived threads each
/// free the long-lived object a thread of the previous generation left in their slot, allocate and free a
/// batch of objects, allocate a new long-lived object into the slot, and exit. Memory must not grow with the
/// number of threads that came and went: the RSS after each generation is sampled, and <c>rss_growth_kib</c>
/// is the growth from the end of the first tenth of the generations to the end.
/// </summary>
public sealed class MleakWorkload : Workload
{
    /// <inheritdoc />
    public override string Name => "mleak";

    /// <inheritdoc />
    public override string Description => "threads that come and go, each leaving one long-lived object; memory must not grow with thread turnover";

    /// <inheritdoc />
    public override string Operation => "one malloc + its free";

    /// <inheritdoc />
    public override string DefaultSizes => "uniform:16-1024";

    /// <inheritdoc />
    public override IReadOnlyList<Knob> Knobs { get; } =
    [
        new("generations", "generations of short-lived threads", 1000, 20, Min: 1, Max: 1_000_000),
        new("objects", "objects each thread allocates and frees", 1000, 500, Min: 1, Max: 1_000_000),
    ];

    /// <inheritdoc />
    public override WorkloadResult Run<TAllocator>(TAllocator allocator, WorkloadContext context)
    {
        long generations = context.Knob("generations");
        int objects = (int)context.Knob("objects");
        SizeTable[] tables = [.. Enumerable.Range(0, context.Threads).Select(context.SizeTableFor)];
        Block[] longLived = new Block[context.Threads];
        WorkloadResult result = new();
        result.Series.Capacity = (int)Math.Min(generations, 1 << 20);
        using RssProbe probe = new();
        long start = Stopwatch.GetTimestamp();
        long markRss = -1;
        for (long g = 0; g < generations; g++)
        {
            result.WorkerCpuMask = ThreadGang.Run(context.Threads, t =>
            {
                if (!longLived[t].IsNull)
                {
                    allocator.Free(longLived[t]);
                }
                SizeTable sizes = tables[t];
                Block[] batch = new Block[objects];
                for (int i = 0; i < objects; i++)
                {
                    nuint size = sizes[(int)g * objects + i];
                    batch[i] = Checked.NotNull(allocator.Malloc(size), size);
                    batch[i].Touch((byte)i);
                }
                foreach (Block block in batch)
                {
                    allocator.Free(block);
                }
                nuint keep = sizes[(int)g];
                longLived[t] = Checked.NotNull(allocator.Malloc(keep), keep);
                longLived[t].Touch(7);
            }).WorkerCpuMask;
            long rss = probe.CurrentKib();
            result.Series.Add(new SeriesPoint(Stopwatch.GetElapsedTime(start).TotalSeconds, rss, -1));
            if (g == Math.Max(0, generations / 10 - 1))
            {
                markRss = rss;
            }
        }
        result.ElapsedSeconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        result.Operations = generations * context.Threads * (objects + 1);
        foreach (Block block in longLived)
        {
            if (!block.IsNull)
            {
                allocator.Free(block);
            }
        }
        result.Metrics["rss_growth_kib"] = result.Series[^1].RssKib - markRss;
        result.Metrics["threads_started"] = generations * context.Threads;
        return result;
    }
}
