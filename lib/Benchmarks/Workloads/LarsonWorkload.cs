using System.Diagnostics;
using Workbench.Benchmarks.Allocators;
using Workbench.Benchmarks.Sizes;

namespace Workbench.Benchmarks.Workloads;

/// <summary>
/// larson (Larson and Krishnan's server simulation): each thread owns an array of blocks, which the main
/// thread allocated first; it replaces random blocks (free, then malloc of a random size) and after
/// <c>rounds</c> x <c>chunks</c> replacements hands its array to a new thread and exits, so blocks are freed
/// by threads other than the one that allocated them. Runs for a fixed time; reports throughput.
/// mimalloc-bench runs <c>larson 5 8 1000 5000 100 4141 N</c>: 5 s, sizes 8..1000, 5000 chunks per thread, 100 rounds, seed 4141.
/// </summary>
public sealed class LarsonWorkload : Workload
{
    /// <inheritdoc />
    public override string Name => "larson";

    /// <inheritdoc />
    public override string Description => "Larson: server simulation, blocks freed by other (successor) threads; fixed time, throughput";

    /// <inheritdoc />
    public override string Operation => "one block replaced (free + malloc)";

    /// <inheritdoc />
    public override string DefaultSizes => "uniform:8-1000";

    /// <inheritdoc />
    public override IReadOnlyList<Knob> Knobs { get; } =
    [
        new("duration_ms", "how long the threads run (mimalloc-bench: 5 s)", 5000, 150, Min: 1, Max: 3_600_000),
        new("chunks", "blocks per thread (mimalloc-bench: 5000)", 5000, 1000, Min: 1, Max: 1_000_000),
        new("rounds", "a thread makes rounds x chunks replacements, then hands over to a new thread (mimalloc-bench: 100)", 100, 10, Min: 1, Max: 1_000_000),
    ];

    /// <inheritdoc />
    public override WorkloadResult Run<TAllocator>(TAllocator allocator, WorkloadContext context)
    {
        long durationTicks = context.Knob("duration_ms") * Stopwatch.Frequency / 1000;
        int chunks = (int)context.Knob("chunks");
        long perThread = context.Knob("rounds") * chunks;
        SizeTable[] tables = [.. Enumerable.Range(0, context.Threads).Select(context.SizeTableFor)];
        Block[][] arrays = new Block[context.Threads][];
        for (int t = 0; t < arrays.Length; t++)
        {
            arrays[t] = new Block[chunks];
            for (int i = 0; i < chunks; i++)
            {
                nuint size = tables[t][i];
                arrays[t][i] = Checked.NotNull(allocator.Malloc(size), size);
                arrays[t][i].Touch(1);
            }
        }
        long operations = 0;
        long threadsStarted = 0;
        GangResult gang = ThreadGang.Run(context.Threads, t =>
        {
            // One lineage of threads per slot: each generation runs on a fresh thread.
            int generation = 0;
            long done = 0;
            long stopAt = Stopwatch.GetTimestamp() + durationTicks;
            do
            {
                long ops = 0;
                int seed = context.Seed + t * 7919 + generation;
                Exception? error = null;
                Thread successor = new(() =>
                {
                    try
                    {
                        ops = Generation(allocator, arrays[t], tables[t], perThread, seed, stopAt);
                    }
                    catch (Exception e)
                    {
                        error = e;
                    }
                });
                successor.Start();
                successor.Join();
                if (error is not null)
                {
                    throw error;
                }
                done += ops;
                generation++;
            }
            while (Stopwatch.GetTimestamp() < stopAt);
            Interlocked.Add(ref operations, done);
            Interlocked.Add(ref threadsStarted, generation);
        });
        foreach (Block[] array in arrays)
        {
            foreach (Block block in array)
            {
                allocator.Free(block);
            }
        }
        WorkloadResult result = new() { ElapsedSeconds = gang.ElapsedSeconds, WorkerCpuMask = gang.WorkerCpuMask, Operations = operations };
        result.Metrics["threads_started"] = threadsStarted;
        return result;
    }

    private static long Generation<TAllocator>(TAllocator allocator, Block[] array, SizeTable sizes, long replacements, int seed, long stopAt)
        where TAllocator : struct, IAllocator
    {
        FastRandom random = new(seed);
        int offset = random.Below(sizes.Length);
        long i = 0;
        for (; i < replacements; i++)
        {
            if ((i & 255) == 255 && Stopwatch.GetTimestamp() >= stopAt)
            {
                break;
            }
            ref Block slot = ref array[random.Below(array.Length)];
            allocator.Free(slot);
            nuint size = sizes[offset + (int)i];
            slot = Checked.NotNull(allocator.Malloc(size), size);
            slot.Touch((byte)i);
        }
        return i;
    }
}
