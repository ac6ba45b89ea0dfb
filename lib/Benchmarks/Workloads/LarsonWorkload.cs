using System.Diagnostics;
using Workbench.Benchmarks.Allocators;
using Workbench.Benchmarks.Platform;
using Workbench.Benchmarks.Sizes;

namespace Workbench.Benchmarks.Workloads;

/// <summary>
/// larson (Larson and Krishnan's server simulation, as Hoard and mimalloc-bench run it:
/// <c>larson 5 8 1000 5000 100 4141 N</c>, 5 s, sizes 8 to 999, 5000 chunks per thread, 100 rounds). Warm-up, on the
/// calling thread and untimed: allocate threads x chunks blocks, shuffle them (a random permutation), then make
/// 4 x (threads x chunks) random replacements (free a random block, allocate a new random size in its place); thread i
/// then owns the i-th run of <c>chunks</c> blocks of the shuffled array, so its blocks came from everywhere. Each
/// thread makes rounds x chunks replacements in its own run, writing bytes 0 and 1 of each new block, and then starts
/// the next thread of its lineage, which carries on with the same blocks and random sequence, and ends; so blocks are
/// freed by threads other than the one that allocated them. After <c>duration_ms</c> the calling thread raises a stop
/// flag, which every thread reads after each replacement, and waits until the last thread of every lineage has seen it.
/// </summary>
/// <remarks>
/// A thread tells the allocator it is ending (<see cref="IAllocator.ThreadEnding"/>) after its last replacement and
/// before it starts its successor. In the C program the successor's creation returns at once and the thread ends, and
/// its end reaches the allocator through a thread-specific destructor, while the successor is still starting; a .NET
/// thread's start waits until the new thread runs, and its end reaches a managed allocator only through a finalizer,
/// so without the call the successor's first malloc came before its predecessor's end every time (cfa-malloc: a heap
/// of its own per successor, 1.17 x the best peer's peak against 1.09; issue 19, docs/results.md). Native allocators
/// ignore the call: their destructors run when the thread ends.
/// </remarks>
public sealed class LarsonWorkload : Workload
{
    /// <inheritdoc />
    public override string Name => "larson";

    /// <inheritdoc />
    public override string Description => "Larson: server simulation, blocks shuffled across threads and freed by successor threads; fixed time, throughput";

    /// <inheritdoc />
    public override string Operation => "one block replaced (free + malloc)";

    /// <inheritdoc />
    public override string DefaultSizes => "uniform:8-999";

    /// <inheritdoc />
    public override IReadOnlyList<Knob> Knobs { get; } =
    [
        new("duration_ms", "how long the threads run (mimalloc-bench: 5 s)", 5000, 150, Min: 1, Max: 3_600_000),
        new("chunks", "blocks per thread (mimalloc-bench: 5000)", 5000, 1000, Min: 1, Max: 1_000_000),
        new("rounds", "a thread makes rounds x chunks replacements, then starts its successor and ends (mimalloc-bench: 100)", 100, 10, Min: 1, Max: 1_000_000),
        Touching.Knob("bytes 0 and 1 set to 'a' and 'b'"),
    ];

    /// <summary>How many random replacements the warm-up makes per block (Larson: 4).</summary>
    public const int WarmupReplacementsPerBlock = 4;

    /// <inheritdoc />
    public override WorkloadResult Run<TAllocator>(TAllocator allocator, WorkloadContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        int chunks = (int)context.Knob("chunks");
        long replacements = context.Knob("rounds") * chunks;
        TouchPolicy touch = Touching.Of(context);
        Block[] blocks = Warmup(allocator, context.SizeTableFor(context.Threads), checked(context.Threads * chunks), context.Seed);
        Lineage[] lineages = [.. Enumerable.Range(0, context.Threads).Select(t => new Lineage(
            new ArraySegment<Block>(blocks, t * chunks, chunks), context.SizeTableFor(t), new FastRandom(unchecked(context.Seed * 7919 + t))))];
        Shared shared = new(lineages.Length, replacements, touch);
        foreach (Lineage lineage in lineages)
        {
            StartGeneration(allocator, lineage, shared);
        }
        long start = Stopwatch.GetTimestamp();
        Thread.Sleep((int)context.Knob("duration_ms"));
        shared.Stop = true;
        shared.Finished.Wait();
        double elapsed = Stopwatch.GetElapsedTime(start).TotalSeconds;
        if (shared.Error is { } error)
        {
            throw new AggregateException(error);
        }
        foreach (Block block in blocks)
        {
            allocator.Free(block);
        }
        WorkloadResult result = new() { ElapsedSeconds = elapsed, WorkerCpuMask = shared.WorkerCpuMask, Operations = lineages.Sum(l => l.Replacements) };
        result.Metrics["threads_started"] = lineages.Sum(l => l.Generations);
        return result;
    }

    /// <summary>
    /// Larson's warm-up: <paramref name="count"/> blocks of random sizes, a random permutation of them, then
    /// 4 x <paramref name="count"/> random replacements; all on the calling thread.
    /// </summary>
    public static Block[] Warmup<TAllocator>(TAllocator allocator, SizeTable sizes, int count, int seed)
        where TAllocator : struct, IAllocator
    {
        Block[] blocks = new Block[count];
        int next = 0;
        for (int i = 0; i < count; i++)
        {
            nuint size = sizes[next++];
            blocks[i] = Checked.NotNull(allocator.Malloc(size), size);
        }
        FastRandom random = new(seed);
        for (int n = count; n > 1; n--)
        {
            int victim = random.Below(n);
            (blocks[victim], blocks[n - 1]) = (blocks[n - 1], blocks[victim]);
        }
        for (long r = 0; r < (long)WarmupReplacementsPerBlock * count; r++)
        {
            ref Block slot = ref blocks[random.Below(count)];
            allocator.Free(slot);
            nuint size = sizes[next++];
            slot = Checked.NotNull(allocator.Malloc(size), size);
        }
        return blocks;
    }

    /// <summary>Starts a thread that runs one generation of <paramref name="lineage"/>.</summary>
    private static void StartGeneration<TAllocator>(TAllocator allocator, Lineage lineage, Shared shared)
        where TAllocator : struct, IAllocator
    {
        Thread thread = new(() => Generation(allocator, lineage, shared)) { IsBackground = true, Name = "larson" };
        thread.Start();
    }

    /// <summary>
    /// One thread of a lineage: rounds x chunks replacements or until the stop flag, then, unless stopped, it starts
    /// its successor before it ends; the last one of a lineage signals <see cref="Shared.Finished"/>.
    /// </summary>
    private static void Generation<TAllocator>(TAllocator allocator, Lineage lineage, Shared shared)
        where TAllocator : struct, IAllocator
    {
        try
        {
            if (lineage.Generations == 0)
            {
                shared.NoteCpuMask();
            }
            if (!shared.Stop)
            {
                lineage.Generations++;
                Replace(allocator, lineage, shared);
            }
            // The thread's last call into the allocator is behind it: the allocator hears now what a C thread's end
            // tells it (see the class's remarks), before the successor starts.
            allocator.ThreadEnding();
            if (!shared.Stop)
            {
                StartGeneration(allocator, lineage, shared);
                return;
            }
        }
        catch (Exception e)
        {
            shared.Error ??= e;
        }
        shared.Finished.Signal();
    }

    private static void Replace<TAllocator>(TAllocator allocator, Lineage lineage, Shared shared)
        where TAllocator : struct, IAllocator
    {
        Span<Block> blocks = lineage.Blocks;
        SizeTable sizes = lineage.Sizes;
        ref FastRandom random = ref lineage.Random;
        TouchPolicy touch = shared.Touch;
        long done = 0;
        while (done < shared.ReplacementsPerThread)
        {
            ref Block slot = ref blocks[random.Below(blocks.Length)];
            allocator.Free(slot);
            nuint size = sizes[lineage.NextSize++];
            slot = Checked.NotNull(allocator.Malloc(size), size);
            if (touch == TouchPolicy.Published)
            {
                BlockWrites.FirstTwo(slot, (byte)'a', (byte)'b');
            }
            else
            {
                slot.Touch((byte)done);
            }
            done++;
            if (shared.Stop)
            {
                break;
            }
        }
        lineage.Replacements += done;
    }

    /// <summary>
    /// One lineage of threads: the run of blocks it owns and the state each generation hands to the next. Only the
    /// lineage's current thread touches it, and a thread starts its successor only after its last write.
    /// </summary>
    private sealed class Lineage(ArraySegment<Block> blocks, SizeTable sizes, FastRandom random)
    {
        public ArraySegment<Block> Blocks { get; } = blocks;

        public SizeTable Sizes { get; } = sizes;

        public FastRandom Random = random;

        public int NextSize;

        public long Replacements;

        public long Generations;
    }

    /// <summary>What the lineages share with the calling thread.</summary>
    private sealed class Shared(int lineages, long replacementsPerThread, TouchPolicy touch)
    {
        private volatile bool _stop;
        private int _maskNoted;

        public long ReplacementsPerThread { get; } = replacementsPerThread;

        public TouchPolicy Touch { get; } = touch;

        /// <summary>Signalled once by the last thread of each lineage.</summary>
        public CountdownEvent Finished { get; } = new(lineages);

        /// <summary>Larson's stopflag: read after every replacement.</summary>
        public bool Stop
        {
            get => _stop;
            set => _stop = value;
        }

        public Exception? Error { get; set; }

        public ulong WorkerCpuMask { get; private set; }

        /// <summary>Records the CPUs of the first thread that asks.</summary>
        public void NoteCpuMask()
        {
            if (Interlocked.Exchange(ref _maskNoted, 1) == 0)
            {
                WorkerCpuMask = CpuAffinity.MaskOfCallingThread();
            }
        }
    }
}
