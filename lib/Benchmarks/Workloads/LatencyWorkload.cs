using System.Diagnostics;
using Workbench.Benchmarks.Allocators;
using Workbench.Benchmarks.Sizes;

namespace Workbench.Benchmarks.Workloads;

/// <summary>
/// latency: the churn pattern with every malloc and every free timed on its own and counted in a log-bucket
/// (HDR-style) histogram; reports p50, p90, p99, p99.9 and max of each (<c>malloc_p50_ns</c>, ...,
/// <c>free_max_ns</c>), and stores both histograms themselves, per trial, in the run's <c>latency.csv</c>. The clock's own cost (two reads, measured at start) is included in every figure and
/// reported as <c>clock_ns</c>; the <c>bump</c> floor shows it too. Calls that took longer than 100 us are counted
/// (<c>malloc_over_100us</c>, <c>free_over_100us</c>), and so are the gaps over 100 us that the machine itself puts
/// into a loop that only reads the clock, per second (<c>idle_gaps_over_100us_per_s</c>, measured for 200 ms before
/// the run): on a shared VM preemptions and page faults make such calls for every allocator, so a call over 100 us
/// counts against the allocator only beyond that rate (and beyond its own calls to the OS, which cfa's statistics list).
/// </summary>
public sealed class LatencyWorkload : Workload
{
    /// <inheritdoc />
    public override string Name => "latency";

    /// <inheritdoc />
    public override string Description => "per-call latency of malloc and free in a log-bucket histogram: p50, p90, p99, p99.9, max";

    /// <inheritdoc />
    public override string Operation => "one free + one malloc, each timed";

    /// <inheritdoc />
    public override string DefaultSizes => "uniform:16-1024";

    /// <inheritdoc />
    public override IReadOnlyList<Knob> Knobs { get; } =
    [
        new("iterations", "timed free+malloc replacements per thread", 2_000_000, 50_000, Min: 1, Max: 10_000_000_000),
        new("slots", "live blocks per thread", 1000, 1000, Min: 1, Max: 1_000_000),
    ];

    /// <summary>The percentiles reported, with their column suffixes.</summary>
    public static IReadOnlyList<(string Suffix, double Percent)> Percentiles { get; } =
        [("p50", 50), ("p90", 90), ("p99", 99), ("p999", 99.9)];

    /// <inheritdoc />
    public override WorkloadResult Run<TAllocator>(TAllocator allocator, WorkloadContext context)
    {
        long iterations = context.Knob("iterations");
        int slots = (int)context.Knob("slots");
        SizeTable[] tables = [.. Enumerable.Range(0, context.Threads).Select(context.SizeTableFor)];
        LatencyHistogram[] mallocs = [.. Enumerable.Range(0, context.Threads).Select(_ => new LatencyHistogram())];
        LatencyHistogram[] frees = [.. Enumerable.Range(0, context.Threads).Select(_ => new LatencyHistogram())];
        long[] mallocsOver = new long[context.Threads];
        long[] freesOver = new long[context.Threads];
        long limit = Stopwatch.Frequency / 10_000;
        double idleGapsPerSecond = IdleGaps(limit, Stopwatch.Frequency / 5) * 5.0;
        GangResult gang = ThreadGang.Run(context.Threads, t =>
            (mallocsOver[t], freesOver[t]) = Worker(allocator, tables[t], iterations, slots, context.Seed + t, mallocs[t], frees[t], limit));
        LatencyHistogram malloc = new();
        LatencyHistogram free = new();
        for (int t = 0; t < context.Threads; t++)
        {
            malloc.Add(mallocs[t]);
            free.Add(frees[t]);
        }
        WorkloadResult result = new() { ElapsedSeconds = gang.ElapsedSeconds, WorkerCpuMask = gang.WorkerCpuMask, Operations = iterations * context.Threads };
        double nsPerTick = 1e9 / Stopwatch.Frequency;
        foreach ((string suffix, double percent) in Percentiles)
        {
            result.Metrics[$"malloc_{suffix}_ns"] = malloc.Percentile(percent) * nsPerTick;
            result.Metrics[$"free_{suffix}_ns"] = free.Percentile(percent) * nsPerTick;
        }
        result.Latency.Add(malloc.ToBuckets("malloc", nsPerTick));
        result.Latency.Add(free.ToBuckets("free", nsPerTick));
        result.Metrics["malloc_max_ns"] = malloc.Max * nsPerTick;
        result.Metrics["free_max_ns"] = free.Max * nsPerTick;
        result.Metrics["clock_ns"] = ClockCost() * nsPerTick;
        result.Metrics["malloc_over_100us"] = mallocsOver.Sum();
        result.Metrics["free_over_100us"] = freesOver.Sum();
        result.Metrics["idle_gaps_over_100us_per_s"] = idleGapsPerSecond;
        return result;
    }

    /// <summary>Gaps longer than <paramref name="limit"/> ticks between two clock reads in a loop that runs for <paramref name="duration"/> ticks.</summary>
    private static long IdleGaps(long limit, long duration)
    {
        long gaps = 0;
        long start = Stopwatch.GetTimestamp();
        long last = start;
        while (last - start < duration)
        {
            long now = Stopwatch.GetTimestamp();
            if (now - last > limit)
            {
                gaps++;
            }
            last = now;
        }
        return gaps;
    }

    private static (long MallocsOver, long FreesOver) Worker<TAllocator>(TAllocator allocator, SizeTable sizes, long iterations, int slots, int seed,
        LatencyHistogram mallocs, LatencyHistogram frees, long limit)
        where TAllocator : struct, IAllocator
    {
        long mallocsOver = 0;
        long freesOver = 0;
        Block[] live = new Block[slots];
        FastRandom random = new(seed);
        for (long i = 0; i < iterations; i++)
        {
            ref Block slot = ref live[random.Below(slots)];
            if (!slot.IsNull)
            {
                long t0 = Stopwatch.GetTimestamp();
                allocator.Free(slot);
                long t1 = Stopwatch.GetTimestamp();
                frees.Record(t1 - t0);
                if (t1 - t0 > limit)
                {
                    freesOver++;
                }
            }
            nuint size = sizes[(int)i];
            long t2 = Stopwatch.GetTimestamp();
            Block block = allocator.Malloc(size);
            long t3 = Stopwatch.GetTimestamp();
            mallocs.Record(t3 - t2);
            if (t3 - t2 > limit)
            {
                mallocsOver++;
            }
            slot = Checked.NotNull(block, size);
            slot.Touch((byte)i);
        }
        foreach (Block block in live)
        {
            if (!block.IsNull)
            {
                allocator.Free(block);
            }
        }
        return (mallocsOver, freesOver);
    }

    private static long ClockCost()
    {
        LatencyHistogram h = new();
        for (int i = 0; i < 10_000; i++)
        {
            long t0 = Stopwatch.GetTimestamp();
            long t1 = Stopwatch.GetTimestamp();
            h.Record(t1 - t0);
        }
        return h.Percentile(50);
    }
}
