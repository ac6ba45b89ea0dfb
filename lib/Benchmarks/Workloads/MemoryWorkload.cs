using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Workbench.Benchmarks.Allocators;
using Workbench.Benchmarks.Sizes;

namespace Workbench.Benchmarks.Workloads;

/// <summary>
/// memory (thesis): K producer threads (the thread count), each with M consumer threads. In every round a
/// producer allocates N objects of random sizes for each of its consumers, writes every page of each, and hands
/// them over; the consumer frees them. The live bytes (asked for and not yet freed) are counted every
/// <see cref="ChunkObjects"/> objects, after they are written and before they are freed, and sampled with the
/// process's memory (<see cref="MemoryTimeline"/>): after every batch is produced and after every batch is freed, and
/// after any chunk when <c>sample_us</c> has passed since the last sample, so each batch's rise and fall shows.
/// </summary>
/// <remarks>
/// <para>
/// What is measured is what the thesis measures: the memory the allocator took from the OS, split into the brk heap and
/// mmap, read from the process's side (<see cref="Platform.RssProbe.Read"/>), not the allocator's own account. The
/// baseline is the process's memory right before the measured run, after a full garbage collection, in the same
/// process (the batch arrays are made and written before it and reused, so the managed heap hardly grows in the run);
/// each sample's heap and mmap are over it, so the .NET runtime's own ~40 MiB is under no curve. Which allocator puts
/// its memory where: glibc's main arena grows the brk heap, but the worker threads get arenas of their own, which are
/// mmap; tcmalloc takes sbrk first; jemalloc, mimalloc, tbb and cfa-malloc map their own regions (mmap); the .NET
/// allocators (<c>gc</c>, <c>arraypool</c>) grow the GC's heap, also mmap, and <c>nativememory</c> is glibc.
/// </para>
/// <para>
/// Metrics, all from this run's samples (<see cref="MemoryOverhead"/>):
/// <list type="bullet">
/// <item><c>peak_requested_kib</c>: the most bytes live at any sample. It depends on timing: on how far producers
/// run ahead of their consumers (at most <c>in_flight</c> queued batches each, plus the one being made and the
/// one being freed), so a faster allocator can have more live at its peak. With <c>in_flight=0</c> (lock step) a
/// producer waits until its last batch is freed, and the live bytes are the same for every allocator.</item>
/// <item><c>peak_heap_kib</c>, <c>peak_mmap_kib</c>, <c>peak_allocator_kib</c>: the most brk heap, anonymous mmap,
/// and the two together, over the baseline at any sample; <c>allocator_overhead_kib</c>: <c>peak_allocator_kib</c> minus
/// <c>peak_requested_kib</c>, the allocator's memory beyond what the program ever had live (its metadata, the free
/// memory it keeps, rounding), plus the worker threads' stacks.</item>
/// <item><c>rss_growth_kib</c>: the highest RSS of any sample minus the baseline (0 at least), and <c>overhead_kib</c>:
/// <c>rss_growth_kib</c> minus <c>peak_requested_kib</c>, the same from the whole RSS (file-backed pages included). A
/// sample's memory holds all the bytes counted live in it, so these overheads are negative only if memory resident at
/// the baseline was given back or reused for blocks. That is what a <c>--warmup</c> run does: the allocator keeps the
/// warm-up's memory and the measured run reuses it, so measure memory with <c>--warmup 0</c> (the default; the
/// miniature prime run that comes first is a few KiB).</item>
/// <item><c>memory_samples</c> and <c>sampling_ms</c>: how many samples were taken and how long reading them took in
/// all (inside the timed part).</item>
/// </list>
/// </para>
/// </remarks>
public sealed class MemoryWorkload : Workload
{
    /// <summary>Objects counted live (or no longer live) at a time.</summary>
    public const int ChunkObjects = 256;

    /// <inheritdoc />
    public override string Name => "memory";

    /// <inheritdoc />
    public override string Description => "thesis: K producers x M consumers x N objects; the allocator's brk heap and mmap memory over the runtime's baseline, sampled with the live requested bytes after every batch and on a short timer";

    /// <inheritdoc />
    public override string Operation => "one object allocated by a producer and freed by a consumer";

    /// <inheritdoc />
    public override string DefaultSizes => "uniform:16-4096";

    /// <inheritdoc />
    public override IReadOnlyList<Knob> Knobs { get; } =
    [
        new("consumers", "consumer threads per producer (M)", 1, 1, Min: 1, Max: 64),
        new("objects", "objects a producer allocates for each consumer per round (N)", 10_000, 2_000, Min: 1, Max: 1_000_000),
        new("rounds", "rounds per producer", 100, 5, Min: 1, Max: 1_000_000),
        new("in_flight", "batches a consumer may have waiting before its producer blocks; 0: lock step, the producer waits until its last batch is freed (every allocator then has the same bytes live throughout)", 4, 2, Min: 0, Max: 1024),
        new("sample_us", "at most one memory sample per this many microseconds between batch ends, checked after every 256 objects (0: after every 256 objects)", 1000, 1000, Min: 0, Max: 10_000_000),
    ];

    /// <summary>Samples a run may take on the timer, beyond the two per batch.</summary>
    public const int TimedSamples = 200_000;

    /// <inheritdoc />
    public override WorkloadResult Run<TAllocator>(TAllocator allocator, WorkloadContext context)
    {
        int producers = context.Threads;
        int consumers = (int)context.Knob("consumers");
        int objects = (int)context.Knob("objects");
        long rounds = context.Knob("rounds");
        int inFlight = (int)context.Knob("in_flight");
        TimeSpan interval = TimeSpan.FromMicroseconds(context.Knob("sample_us"));
        int pairs = producers * consumers;
        SizeTable[] tables = [.. Enumerable.Range(0, producers).Select(context.SizeTableFor)];
        BlockingCollection<Block[]>[] queues = [.. Enumerable.Range(0, pairs).Select(_ => new BlockingCollection<Block[]>(Math.Max(1, inFlight)))];
        // A pair's batch arrays go round between producer and consumer: at most in_flight queued, one being filled
        // and one being freed. Made (and written) before the baseline, they keep the managed heap out of the figures.
        // A producer takes an array from its spares, waiting if there is none, so the arrays bound how far it runs
        // ahead. Lock step (in_flight 0) gives each pair a single array: the producer waits for its consumer to free
        // each batch before it makes the next, and the live bytes over time are the same whatever the allocator's speed.
        int arrays = inFlight == 0 ? 1 : inFlight + 2;
        BlockingCollection<Block[]>[] spares = [.. Enumerable.Range(0, pairs).Select(_ =>
            new BlockingCollection<Block[]>(new ConcurrentQueue<Block[]>(Enumerable.Range(0, arrays).Select(_ => NewBatch(objects)))))];
        long batches = pairs * rounds;
        GC.Collect();
        using MemoryTimeline timeline = new((int)Math.Min(1 + 2 * batches + TimedSamples, 1 << 21), interval);
        GangResult gang = ThreadGang.Run(producers + pairs, index =>
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
                        int pair = p * consumers + c;
                        Block[] batch = spares[pair].Take();
                        for (int from = 0; from < objects; from += ChunkObjects)
                        {
                            int to = Math.Min(objects, from + ChunkObjects);
                            long bytes = 0;
                            for (int i = from; i < to; i++)
                            {
                                nuint size = sizes[next++];
                                batch[i] = Checked.NotNull(allocator.Malloc(size), size);
                                batch[i].TouchPages((byte)i);
                                bytes += (long)size;
                            }
                            timeline.Allocated(bytes);
                            timeline.SampleIfDue();
                        }
                        timeline.Sample();
                        queues[pair].Add(batch);
                    }
                }
                for (int c = 0; c < consumers; c++)
                {
                    queues[p * consumers + c].CompleteAdding();
                }
            }
            else
            {
                int pair = index - producers;
                foreach (Block[] batch in queues[pair].GetConsumingEnumerable())
                {
                    for (int from = 0; from < batch.Length; from += ChunkObjects)
                    {
                        int to = Math.Min(batch.Length, from + ChunkObjects);
                        long bytes = 0;
                        for (int i = from; i < to; i++)
                        {
                            bytes += (long)batch[i].Size;
                        }
                        timeline.Releasing(bytes);
                        for (int i = from; i < to; i++)
                        {
                            allocator.Free(batch[i]);
                        }
                        timeline.SampleIfDue();
                    }
                    timeline.Sample();
                    spares[pair].Add(batch);
                }
            }
        });
        foreach (BlockingCollection<Block[]> queue in queues)
        {
            queue.Dispose();
        }
        foreach (BlockingCollection<Block[]> pool in spares)
        {
            pool.Dispose();
        }
        WorkloadResult result = new()
        {
            ElapsedSeconds = gang.ElapsedSeconds,
            WorkerCpuMask = gang.WorkerCpuMask,
            Operations = batches * objects,
        };
        result.Series.AddRange(timeline.Points);
        MemoryOverhead memory = MemoryOverhead.Of(result.Series);
        result.Metrics["peak_requested_kib"] = memory.PeakRequestedKib;
        result.Metrics["rss_growth_kib"] = memory.RssGrowthKib;
        result.Metrics["overhead_kib"] = memory.PeakOverheadKib;
        result.Metrics["peak_heap_kib"] = memory.PeakHeapKib;
        result.Metrics["peak_mmap_kib"] = memory.PeakMmapKib;
        result.Metrics["peak_allocator_kib"] = memory.PeakAllocatorKib;
        result.Metrics["allocator_overhead_kib"] = memory.PeakAllocatorOverheadKib;
        result.Metrics["memory_samples"] = result.Series.Count;
        result.Metrics["sampling_ms"] = timeline.SamplingSeconds * 1000;
        return result;
    }

    /// <summary>A batch array, written through so that its pages are resident before the baseline.</summary>
    private static Block[] NewBatch(int objects)
    {
        Block[] batch = new Block[objects];
        Array.Fill(batch, default);
        return batch;
    }

}
