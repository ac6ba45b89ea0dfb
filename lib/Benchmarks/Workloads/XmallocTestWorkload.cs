using System.Collections.Concurrent;
using System.Diagnostics;
using Workbench.Benchmarks.Allocators;
using Workbench.Benchmarks.Sizes;

namespace Workbench.Benchmarks.Workloads;

/// <summary>
/// xmalloc-test (asymmetric producer/consumer): N threads only allocate, N other threads only free what the
/// first ones allocated, for a fixed time. mimalloc-bench runs <c>xmalloc-test -w N -t 5 -s 64</c>; it reports
/// frees per second. Blocks travel in batches through a bounded shared queue.
/// </summary>
public sealed class XmallocTestWorkload : Workload
{
    /// <inheritdoc />
    public override string Name => "xmalloc-test";

    /// <inheritdoc />
    public override string Description => "xmalloc-test: N threads only allocate, N others only free (asymmetric); fixed time, frees per second";

    /// <inheritdoc />
    public override string Operation => "one block freed by a consumer thread";

    /// <inheritdoc />
    public override string DefaultSizes => "uniform:1-64";

    /// <inheritdoc />
    public override IReadOnlyList<Knob> Knobs { get; } =
    [
        new("duration_ms", "how long to run (mimalloc-bench: -t 5)", 5000, 150, Min: 1, Max: 3_600_000),
        new("batch", "blocks per hand-over", 256, 256, Min: 1, Max: 1_000_000),
        new("in_flight", "batches waiting in the queue before producers block", 64, 64, Min: 1, Max: 100_000),
    ];

    /// <inheritdoc />
    public override WorkloadResult Run<TAllocator>(TAllocator allocator, WorkloadContext context)
    {
        long duration = context.Knob("duration_ms") * Stopwatch.Frequency / 1000;
        int batchSize = (int)context.Knob("batch");
        int producers = context.Threads;
        using BlockingCollection<Block[]> queue = new((int)context.Knob("in_flight"));
        SizeTable[] tables = [.. Enumerable.Range(0, producers).Select(context.SizeTableFor)];
        long frees = 0;
        int running = producers;
        GangResult gang = ThreadGang.Run(2 * producers, index =>
        {
            if (index < producers)
            {
                SizeTable sizes = tables[index];
                int next = 0;
                long stopAt = Stopwatch.GetTimestamp() + duration;
                do
                {
                    Block[] batch = new Block[batchSize];
                    for (int i = 0; i < batchSize; i++)
                    {
                        nuint size = sizes[next++];
                        batch[i] = Checked.NotNull(allocator.Malloc(size), size);
                        batch[i].Touch((byte)i);
                    }
                    queue.Add(batch);
                }
                while (Stopwatch.GetTimestamp() < stopAt);
                if (Interlocked.Decrement(ref running) == 0)
                {
                    queue.CompleteAdding();
                }
            }
            else
            {
                long mine = 0;
                foreach (Block[] batch in queue.GetConsumingEnumerable())
                {
                    foreach (Block block in batch)
                    {
                        allocator.Free(block);
                    }
                    mine += batch.Length;
                }
                Interlocked.Add(ref frees, mine);
            }
        });
        return new WorkloadResult { ElapsedSeconds = gang.ElapsedSeconds, WorkerCpuMask = gang.WorkerCpuMask, Operations = frees };
    }
}
