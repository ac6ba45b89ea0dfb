using System.Diagnostics;
using Workbench.Benchmarks.Allocators;
using Workbench.Benchmarks.Model;
using Workbench.Benchmarks.Platform;

namespace Workbench.Benchmarks.Workloads;

/// <summary>
/// giveback (this workbench's own; the performance issue's mixed stress): how much memory an allocator takes in a
/// burst of mixed work, and how much of it it gives back once every block is freed, after an idle spell, and after its
/// own call for giving memory back. The burst: <c>threads</c> threads each make <c>ops</c> operations on
/// <c>slots</c> slots of their own, with sizes from the size spec (by default every doubling from 1 B to 3 MiB equally
/// likely, so small, medium and mapped blocks all take part). An operation picks a slot at random and, in
/// <c>realloc_pct</c> percent of cases, reallocs its block to a new size; in <c>handoff_pct</c> percent, hands its block
/// to one of 1,000 shared slots and frees the block it finds there (a block of another thread: a remote free); else
/// frees its block and mallocs a new one. Every page of every new or grown block is written, so the RSS counts what
/// the program would use. At the end every block is freed, the workers exit, and the RSS is sampled: at once, every
/// <c>sample_ms</c> through <c>idle_ms</c> of idleness, and after the allocator's release call
/// (<see cref="IAllocator.ReleaseFreeMemory"/>: malloc_trim, mi_collect, a jemalloc purge, cfa's MallocTrim).
/// </summary>
/// <remarks>
/// Every RSS figure is over the trial process's RSS just before the burst (the runtime and the harness), measured in
/// the same process, so each metric is the allocator's part: <c>peak_rss_kib</c> (the highest sample of a 5 ms
/// sampler during the burst), <c>freed_rss_kib</c>, <c>idle_rss_kib</c>, <c>released_rss_kib</c>. The time per
/// operation is the burst's. The series holds every sample: the burst, the idle spell and the release.
/// </remarks>
public sealed class GivebackWorkload : Workload
{
    /// <summary>Shared slots of the hand-offs between threads.</summary>
    private const int SharedSlots = 1000;

    /// <summary>Locks guarding the shared slots (slot i by lock i mod this).</summary>
    private const int SharedLocks = 64;

    /// <summary>Milliseconds between two RSS samples during the burst.</summary>
    private const int BurstSampleMs = 5;

    /// <inheritdoc />
    public override string Name => "giveback";

    /// <inheritdoc />
    public override string Description => "memory taken in a burst of mixed work (1 B-3 MiB, realloc, remote frees) and given back: freed, idle, after the allocator's release call";

    /// <inheritdoc />
    public override string Operation => "one malloc+free, realloc or hand-off";

    /// <inheritdoc />
    public override string DefaultSizes => "loguniform:1-3145728";

    /// <inheritdoc />
    public override IReadOnlyList<int> QuickThreads => [2];

    /// <inheritdoc />
    public override IReadOnlyList<Knob> Knobs { get; } =
    [
        new("ops", "operations per thread in the burst", 300_000, 20_000, Min: 1, Max: 100_000_000),
        new("slots", "live blocks each thread keeps (at most)", 400, 100, Min: 1, Max: 1_000_000),
        new("realloc_pct", "percent of operations that realloc a live block", 10, 10, Min: 0, Max: 100),
        new("handoff_pct", "percent of operations that hand a block to another thread", 10, 10, Min: 0, Max: 100),
        new("idle_ms", "milliseconds of idleness after everything is freed", 1000, 200, Min: 0, Max: 600_000),
        new("sample_ms", "milliseconds between RSS samples while idle", 50, 50, Min: 1, Max: 60_000),
    ];

    /// <inheritdoc />
    public override string? Obstacle(AllocatorInfo allocator, int threads, string sizes) => allocator.NeverFrees
        ? $"{allocator.Name} never frees, so it has nothing to give back, and the burst would grow it by every byte it asks for"
        : null;

    /// <inheritdoc />
    public override WorkloadResult Run<TAllocator>(TAllocator allocator, WorkloadContext context)
    {
        int threads = context.Threads;
        long ops = context.Knob("ops");
        int slots = (int)context.Knob("slots");
        int reallocPct = (int)context.Knob("realloc_pct");
        int handoffPct = (int)Math.Min(100 - reallocPct, context.Knob("handoff_pct"));
        int idleMs = (int)context.Knob("idle_ms");
        int sampleMs = (int)context.Knob("sample_ms");
        var tables = Enumerable.Range(0, threads).Select(context.SizeTableFor).ToArray();
        var shared = new Block[SharedSlots];
        var locks = Enumerable.Range(0, SharedLocks).Select(_ => new Lock()).ToArray();
        WorkloadResult result = new();
        using RssProbe probe = new();

        SettleManagedHeap();
        long baseline = probe.CurrentKib();
        long start = Stopwatch.GetTimestamp();
        long Sample()
        {
            long rss = probe.CurrentKib() - baseline;
            result.Series.Add(new SeriesPoint(Stopwatch.GetElapsedTime(start).TotalSeconds, rss, -1));
            return rss;
        }

        // The burst, with a sampler beside it for the peak.
        long peak = 0;
        using var burstDone = new ManualResetEventSlim();
        List<SeriesPoint> burstSamples = [];
        var sampler = new Thread(() =>
        {
            while (!burstDone.Wait(BurstSampleMs))
            {
                long rss = probe.CurrentKib() - baseline;
                peak = Math.Max(peak, rss);
                burstSamples.Add(new SeriesPoint(Stopwatch.GetElapsedTime(start).TotalSeconds, rss, -1));
            }
        }) { IsBackground = true, Name = "giveback RSS sampler" };
        sampler.Start();
        result.WorkerCpuMask = ThreadGang.Run(threads, t =>
        {
            var mine = new Block[slots];
            var sizes = tables[t];
            var random = new FastRandom(unchecked(context.Seed * 7919 + t + 1));
            for (long i = 0; i < ops; i++)
            {
                int slot = random.Below(slots);
                int roll = random.Below(100);
                nuint size = sizes[(int)(i & int.MaxValue)];
                if (roll < reallocPct && !mine[slot].IsNull)
                {
                    nuint old = mine[slot].Size;
                    mine[slot] = Checked.NotNull(allocator.Realloc(mine[slot], size), size);
                    if (size > old)
                    {
                        mine[slot].TouchPages((byte)i, old);
                    }
                }
                else if (roll < reallocPct + handoffPct && !mine[slot].IsNull)
                {
                    int target = random.Below(SharedSlots);
                    Block found;
                    lock (locks[target % SharedLocks])
                    {
                        found = shared[target];
                        shared[target] = mine[slot];
                    }
                    mine[slot] = default;
                    if (!found.IsNull)
                    {
                        allocator.Free(found);
                    }
                }
                else
                {
                    if (!mine[slot].IsNull)
                    {
                        allocator.Free(mine[slot]);
                    }
                    mine[slot] = Checked.NotNull(allocator.Malloc(size), size);
                    mine[slot].TouchPages((byte)i);
                }
            }
            foreach (Block block in mine)
            {
                if (!block.IsNull)
                {
                    allocator.Free(block);
                }
            }
        }).WorkerCpuMask;
        result.ElapsedSeconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        result.Operations = ops * threads;
        burstDone.Set();
        sampler.Join();
        result.Series.AddRange(burstSamples);
        foreach (Block block in shared)
        {
            if (!block.IsNull)
            {
                allocator.Free(block);
            }
        }

        // Everything is freed and every worker has exited.
        SettleManagedHeap();
        long freed = Sample();
        long idle = freed;
        long idleStart = Stopwatch.GetTimestamp();
        while (Stopwatch.GetElapsedTime(idleStart).TotalMilliseconds < idleMs)
        {
            Thread.Sleep(Math.Min(sampleMs, Math.Max(1, idleMs - (int)Stopwatch.GetElapsedTime(idleStart).TotalMilliseconds)));
            idle = Sample();
        }
        long releaseStart = Stopwatch.GetTimestamp();
        allocator.ReleaseFreeMemory();
        double releaseMs = Stopwatch.GetElapsedTime(releaseStart).TotalMilliseconds;
        SettleManagedHeap();
        long released = Sample();

        result.Metrics["baseline_rss_kib"] = baseline;
        result.Metrics["peak_rss_kib"] = Math.Max(peak, freed);
        result.Metrics["freed_rss_kib"] = freed;
        result.Metrics["idle_rss_kib"] = idle;
        result.Metrics["released_rss_kib"] = released;
        result.Metrics["release_ms"] = releaseMs;
        return result;
    }

    /// <summary>
    /// Collects the harness's own managed heap and lets the runtime give its free memory back, so that the RSS figures
    /// compare like with like: without it the burst's few managed objects (the workers' arrays, the samples, the
    /// threads' allocation contexts) left 72-164 KiB more of the GC's pages resident at the end than at the baseline,
    /// by process and not by allocator, as large as the best allocators' whole remainder after their release call.
    /// </summary>
    private static void SettleManagedHeap() =>
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
}
