using System.Collections.Concurrent;
using System.Diagnostics;
using Workbench.Benchmarks.Allocators;
using Workbench.Benchmarks.Runner;
using Workbench.Benchmarks.Sizes;

namespace Workbench.Benchmarks.Workloads;

/// <summary>
/// memory (thesis): K producer threads (the thread count), each with M consumer threads. In every round a
/// producer allocates N objects of random sizes for each of its consumers and hands them over; the consumer
/// frees them. The resident set size and the bytes asked for and not yet freed are sampled after every batch
/// is produced and after every batch is freed, so memory can be plotted over time. Overhead = peak RSS growth
/// minus peak requested bytes (metric <c>overhead_kib</c>).
/// </summary>
public sealed class MemoryWorkload : Workload
{
    /// <inheritdoc />
    public override string Name => "memory";

    /// <inheritdoc />
    public override string Description => "thesis: K producers x M consumers x N objects; RSS and requested bytes sampled throughout (memory overhead over time)";

    /// <inheritdoc />
    public override string Operation => "one object allocated by a producer and freed by a consumer";

    /// <inheritdoc />
    public override string DefaultSizes => "uniform:16-4096";

    /// <inheritdoc />
    public override IReadOnlyList<Knob> Knobs { get; } =
    [
        new("consumers", "consumer threads per producer (M)", 1, 1),
        new("objects", "objects a producer allocates for each consumer per round (N)", 10_000, 2_000),
        new("rounds", "rounds per producer", 100, 5),
        new("in_flight", "batches a consumer may have waiting before its producer blocks", 4, 2),
    ];

    /// <inheritdoc />
    public override WorkloadResult Run<TAllocator>(TAllocator allocator, WorkloadContext context)
    {
        int producers = context.Threads;
        int consumers = (int)context.Knob("consumers");
        int objects = (int)context.Knob("objects");
        long rounds = context.Knob("rounds");
        int inFlight = (int)context.Knob("in_flight");
        SizeTable[] tables = [.. Enumerable.Range(0, producers).Select(context.SizeTableFor)];
        BlockingCollection<Block[]>[] queues = [.. Enumerable.Range(0, producers * consumers).Select(_ => new BlockingCollection<Block[]>(inFlight))];
        ConcurrentQueue<SeriesPoint> samples = new();
        long live = 0;
        long peakLive = 0;
        long rss0 = ProcessMemory.CurrentRssKib();
        long start = Stopwatch.GetTimestamp();

        void Sample(long liveNow)
        {
            samples.Enqueue(new SeriesPoint(Stopwatch.GetElapsedTime(start).TotalSeconds, ProcessMemory.CurrentRssKib(), liveNow));
            long peak;
            while (liveNow > (peak = Volatile.Read(ref peakLive)) && Interlocked.CompareExchange(ref peakLive, liveNow, peak) != peak)
            {
            }
        }

        Sample(0);
        double elapsed = ThreadGang.Run(producers * (1 + consumers), index =>
        {
            if (index < producers)
            {
                int p = index;
                SizeTable sizes = tables[p];
                int next = 0;
                for (long r = 0; r < rounds; r++)
                {
                    for (int c = 0; c < consumers; c++)
                    {
                        Block[] batch = new Block[objects];
                        long bytes = 0;
                        for (int i = 0; i < objects; i++)
                        {
                            nuint size = sizes[next++];
                            batch[i] = Checked.NotNull(allocator.Malloc(size), size);
                            batch[i].Touch((byte)i);
                            bytes += (long)size;
                        }
                        Sample(Interlocked.Add(ref live, bytes));
                        queues[p * consumers + c].Add(batch);
                    }
                }
                for (int c = 0; c < consumers; c++)
                {
                    queues[p * consumers + c].CompleteAdding();
                }
            }
            else
            {
                BlockingCollection<Block[]> queue = queues[index - producers];
                foreach (Block[] batch in queue.GetConsumingEnumerable())
                {
                    long bytes = 0;
                    foreach (Block block in batch)
                    {
                        bytes += (long)block.Size;
                        allocator.Free(block);
                    }
                    Sample(Interlocked.Add(ref live, -bytes));
                }
            }
        });
        foreach (BlockingCollection<Block[]> queue in queues)
        {
            queue.Dispose();
        }
        WorkloadResult result = new()
        {
            ElapsedSeconds = elapsed,
            Operations = (long)producers * consumers * objects * rounds,
        };
        result.Series.AddRange(samples.OrderBy(s => s.Seconds));
        long peakRss = result.Series.Max(s => s.RssKib);
        result.Metrics["peak_requested_kib"] = peakLive / 1024.0;
        result.Metrics["rss_growth_kib"] = peakRss - rss0;
        result.Metrics["overhead_kib"] = peakRss - rss0 - peakLive / 1024.0;
        return result;
    }
}
