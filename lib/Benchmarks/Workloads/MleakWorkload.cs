using System.Diagnostics;
using Workbench.Benchmarks.Allocators;
using Workbench.Benchmarks.Model;
using Workbench.Benchmarks.Platform;

namespace Workbench.Benchmarks.Workloads;

/// <summary>
/// mleak (mimalloc-bench's <c>bench/mleak</c>): round after round, start 10 threads and wait for them. Each thread
/// callocs one 128-byte block (16 pointer-sized words), swaps it atomically into a random one of 1000 shared slots and
/// frees what it took out: a block that a thread of an earlier round, long gone, left there (nothing, the first time a
/// slot is picked). Memory must not grow with the threads that came and went: the RSS after each round (after a full
/// garbage collection, so the harness's own garbage does not count) is sampled,
/// and <c>rss_growth_kib</c> is the growth from the end of the first tenth of the rounds to the end. The thread count
/// per round is the knob <c>round_threads</c>; the trial's own thread count must be 1.
/// </summary>
public sealed class MleakWorkload : Workload
{
    /// <inheritdoc />
    public override string Name => "mleak";

    /// <inheritdoc />
    public override string Description => "mimalloc-bench mleak: rounds of 10 short-lived threads, each callocs 128 B and swaps it into 1000 shared slots, freeing what a gone thread left";

    /// <inheritdoc />
    public override string Operation => "one calloc + the free of the block it displaced";

    /// <inheritdoc />
    public override string DefaultSizes => "fixed:128";

    /// <inheritdoc />
    public override AllocatorFeatures Requires => AllocatorFeatures.Calloc;

    /// <inheritdoc />
    public override IReadOnlyList<int> QuickThreads => [1];

    /// <inheritdoc />
    public override IReadOnlyList<Knob> Knobs { get; } =
    [
        new("rounds", "rounds of threads (mimalloc-bench: ITER x 100, e.g. mleak 50 = 5000, mleak 5 = 500)", 5000, 500, Min: 1, Max: 1_000_000),
        new("round_threads", "threads started and joined per round (mleak: THREADS 10)", 10, 10, Min: 1, Max: 1000),
        new("slots", "shared slots the blocks are swapped into (mleak: TRANSFERS = THREADS x 100 = 1000)", 1000, 1000, Min: 1, Max: 1_000_000),
        Touching.Knob("nothing beyond what calloc zeroes"),
    ];

    /// <inheritdoc />
    public override string? Obstacle(AllocatorInfo allocator, int threads, string sizes) => threads == 1
        ? null
        : $"mleak starts its own threads, round_threads per round (published: 10); run it with --threads 1 and sweep --set mleak.round_threads=N instead of --threads {threads}";

    /// <inheritdoc />
    public override WorkloadResult Run<TAllocator>(TAllocator allocator, WorkloadContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        long rounds = context.Knob("rounds");
        int roundThreads = (int)context.Knob("round_threads");
        int slotCount = (int)context.Knob("slots");
        TouchPolicy touch = Touching.Of(context);
        nuint size = (nuint)context.Sizes.Sample(new Random(context.Seed));
        // A Block is two references wide, too wide to swap atomically, so the shared slots hold indices into a table of
        // blocks: each thread writes its block into the table entry it was given, then swaps that index into a slot.
        // Entries in use: at most one per slot and one per thread of the round, so the table never runs out.
        Block[] table = new Block[slotCount + roundThreads];
        int[] slots = new int[slotCount];
        Array.Fill(slots, -1);
        Stack<int> freeEntries = new(Enumerable.Range(0, table.Length));
        int[] entryOf = new int[roundThreads];
        int[] returned = new int[roundThreads];
        WorkloadResult result = new();
        result.Series.Capacity = (int)Math.Min(rounds, 1 << 20);
        using RssProbe probe = new();
        long start = Stopwatch.GetTimestamp();
        long markRss = -1;
        long timed = 0;
        for (long round = 0; round < rounds; round++)
        {
            // Entries are handed out before the threads start and collected after they end, so threads share no lock.
            for (int t = 0; t < roundThreads; t++)
            {
                entryOf[t] = freeEntries.Pop();
            }
            Array.Fill(returned, -1);
            int seed = unchecked(context.Seed + (int)round * 1009);
            long roundStart = Stopwatch.GetTimestamp();
            result.WorkerCpuMask = ThreadGang.Run(roundThreads, t =>
            {
                int entry = entryOf[t];
                Block block = Checked.NotNull(allocator.Calloc(1, size), size);
                if (touch == TouchPolicy.Ends)
                {
                    block.Touch((byte)t);
                }
                table[entry] = block;
                FastRandom random = new(seed + t);
                int taken = Interlocked.Exchange(ref slots[random.Below(slotCount)], entry);
                if (taken >= 0)
                {
                    allocator.Free(table[taken]);
                    table[taken] = default;
                    returned[t] = taken;
                }
            }).WorkerCpuMask;
            timed += Stopwatch.GetTimestamp() - roundStart;
            foreach (int entry in returned.Where(e => e >= 0))
            {
                freeEntries.Push(entry);
            }
            // The harness's own garbage of a round (threads, their delegates, the barrier) would otherwise sit in the
            // RSS until the GC's allocation budget runs out, tens of MiB here: collect it before reading the RSS.
            GC.Collect();
            long rss = probe.CurrentKib();
            result.Series.Add(new SeriesPoint(Stopwatch.GetElapsedTime(start).TotalSeconds, rss, -1));
            if (round == Math.Max(0, rounds / 10 - 1))
            {
                markRss = rss;
            }
        }
        // The rounds alone, each from before its threads are created to after the last is joined (the RSS reads left out).
        result.ElapsedSeconds = (double)timed / Stopwatch.Frequency;
        result.Operations = rounds * roundThreads;
        foreach (int entry in slots)
        {
            if (entry >= 0)
            {
                allocator.Free(table[entry]);
            }
        }
        result.Metrics["rss_growth_kib"] = result.Series[^1].RssKib - markRss;
        result.Metrics["threads_started"] = rounds * roundThreads;
        return result;
    }
}
