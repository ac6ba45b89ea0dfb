using Workbench.Benchmarks.Allocators;

namespace Workbench.Benchmarks.Workloads;

/// <summary>
/// shbench (MicroQuill's SmartHeap benchmarks, as mimalloc-bench runs them: <c>sh6bench 2N</c>, <c>sh8bench 2N</c>):
/// each thread sweeps sizes from the spec's smallest to its largest (each base size 1.5 x + 1 the last, each halved
/// down to 1; 250 blocks of each size under 100 bytes, 50 under 1000, 10 under 10,000, else 1) into a ring of
/// <c>call_count</c> / threads slots, writing the first and last byte of each block. When the ring is full, a fifth of it is
/// kept for the next round; the blocks below it are freed in allocation order and those above it in reverse order
/// (LIFO). The sweep is repeated <c>call_count</c> / threads times. With <c>migrate</c> = 1 (sh8bench's object migration)
/// the blocks below the kept fifth go to the next thread, which frees them, so those frees are cross-thread.
/// </summary>
public sealed class ShbenchWorkload : Workload
{
    /// <inheritdoc />
    public override string Name => "shbench";

    /// <inheritdoc />
    public override string Description => "MicroQuill sh6bench/sh8bench: size sweeps into a ring, freed in allocation order below a kept fifth and in reverse order above it; migrate=1 (sh8bench) hands the in-order part to another thread";

    /// <inheritdoc />
    public override string Operation => "one malloc + its free";

    /// <inheritdoc />
    public override string DefaultSizes => "uniform:1-1000";

    /// <inheritdoc />
    public override IReadOnlyList<int> QuickThreads => [2];

    /// <inheritdoc />
    public override IReadOnlyList<Knob> Knobs { get; } =
    [
        new("call_count", "ring slots and sweeps, divided among the threads (sh6bench's call count; mimalloc-bench: 10,000)", 10_000, 20, Min: 1, Max: 10_000_000),
        new("migrate", "1: sh8bench, the blocks freed in allocation order are freed by the next thread; 0: sh6bench, every thread frees its own", 1, 1, Min: 0, Max: 1),
    ];

    /// <inheritdoc />
    public override WorkloadResult Run<TAllocator>(TAllocator allocator, WorkloadContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        int threads = context.Threads;
        int slots = (int)Math.Max(1, context.Knob("call_count") / threads);
        bool migrate = context.Knob("migrate") != 0 && threads > 1;
        nuint smallest = (nuint)Math.Max(1, context.Sizes.Min);
        nuint largest = (nuint)Math.Max(1, context.Sizes.Max);
        BlockInbox[] inboxes = [.. Enumerable.Range(0, threads).Select(_ => new BlockInbox())];
        using FinishLine finish = new(threads);
        long allocations = 0;
        long crossFrees = 0;
        GangResult gang = ThreadGang.Run(threads, t =>
        {
            BlockInbox? next = migrate ? inboxes[(t + 1) % threads] : null;
            Counts counts;
            try
            {
                counts = Bench(allocator, slots, smallest, largest, next, inboxes[t]);
            }
            catch when (migrate)
            {
                finish.Abandon();
                throw;
            }
            if (migrate)
            {
                finish.Cross(() => counts.CrossFrees += inboxes[t].FreeAll(allocator));
            }
            Interlocked.Add(ref allocations, counts.Allocations);
            Interlocked.Add(ref crossFrees, counts.CrossFrees);
        });
        WorkloadResult result = new() { ElapsedSeconds = gang.ElapsedSeconds, WorkerCpuMask = gang.WorkerCpuMask, Operations = allocations };
        result.Metrics["cross_thread_frees"] = crossFrees;
        return result;
    }

    /// <summary>Blocks of one size in a row: more of the small ones.</summary>
    internal static int Repeats(nuint size) => size < 100 ? 250 : size < 1000 ? 50 : size < 10_000 ? 10 : 1;

    /// <summary>The base sizes of one sweep: from <paramref name="smallest"/>, each 1.5 x + 1 the last, below <paramref name="largest"/>.</summary>
    internal static IEnumerable<nuint> BaseSizes(nuint smallest, nuint largest)
    {
        for (nuint b = smallest; b < largest; b = b * 3 / 2 + 1)
        {
            yield return b;
        }
    }

    /// <summary>One thread's run (the original's <c>doBench</c>).</summary>
    private static Counts Bench<TAllocator>(TAllocator allocator, int slots, nuint smallest, nuint largest, BlockInbox? next, BlockInbox own)
        where TAllocator : struct, IAllocator
    {
        Block[] ring = new Block[slots];
        int keep = slots / 5;
        int mp = 0;
        int saveStart = slots;
        int saveEnd = slots;
        nuint[] bases = [.. BaseSizes(smallest, largest)];
        Counts counts = default;
        for (int repeat = 0; repeat < slots; repeat++)
        {
            foreach (nuint sizeBase in bases)
            {
                for (nuint size = sizeBase; size > 0; size /= 2)
                {
                    for (int n = Repeats(size); n > 0; n--)
                    {
                        Block block = Checked.NotNull(allocator.Malloc(size), size);
                        block.Touch(0);
                        ring[mp++] = block;
                        counts.Allocations++;
                        // Skip the part of the ring that still holds the blocks kept from the last round.
                        if (mp == saveStart)
                        {
                            mp = saveEnd;
                        }
                        if (mp >= slots)
                        {
                            saveStart = saveEnd >= slots ? 0 : saveEnd;
                            saveEnd = Math.Min(saveStart + keep, slots);
                            if (next is null)
                            {
                                for (int i = 0; i < saveStart; i++)
                                {
                                    allocator.Free(ring[i]);
                                    ring[i] = default;
                                }
                            }
                            else
                            {
                                counts.CrossFrees += own.FreeAll(allocator);
                                next.Push(ring[..saveStart]);
                                Array.Clear(ring, 0, saveStart);
                            }
                            for (int i = slots - 1; i >= saveEnd; i--)
                            {
                                allocator.Free(ring[i]);
                                ring[i] = default;
                            }
                            // When the kept part is at the start of the ring, the next round starts after it (sh6bench's
                            // WITHOUT_LEAK variant; its default build writes over those slots and leaks their blocks).
                            mp = saveStart == 0 ? saveEnd : 0;
                        }
                    }
                }
            }
        }
        // Free what is left, the kept part too (sh6bench frees only the ring below its position and leaves that part).
        foreach (Block block in ring)
        {
            if (!block.IsNull)
            {
                allocator.Free(block);
            }
        }
        return counts;
    }

    /// <summary>What one thread did.</summary>
    private struct Counts
    {
        public long Allocations;
        public long CrossFrees;
    }
}
