using System.Runtime.CompilerServices;
using Workbench.Benchmarks.Allocators;

namespace Workbench.Benchmarks.Workloads;

/// <summary>
/// What Hoard's two false-sharing benchmarks, cache-thrash and cache-scratch, have in common: their knobs, their
/// sizes and what one operation is, and the worker that allocates a small object, writes every byte of it many
/// times and frees it. The repetitions are split among the threads, so the ideal is a P-fold speedup from 1 to P
/// threads.
/// </summary>
public abstract class HoardCacheWorkload : Workload
{
    private static readonly IReadOnlyList<Knob> s_knobs =
    [
        new("iterations", "allocate/write/free rounds per thread (Hoard: 100 or 1000)", 1000, 100, Min: 1, Max: 10_000_000),
        new("repetitions", "writes of each byte per round, split among the threads (Hoard: 1,000,000 or 2,000,000)", 2_000_000, 20_000, Min: 1, Max: 10_000_000_000),
    ];

    /// <inheritdoc />
    public sealed override string Operation => "one byte write into the object";

    /// <inheritdoc />
    public sealed override string DefaultSizes => "fixed:1";

    /// <inheritdoc />
    public sealed override IReadOnlyList<Knob> Knobs => s_knobs;

    /// <inheritdoc />
    public sealed override WorkloadResult Run<TAllocator>(TAllocator allocator, WorkloadContext context)
    {
        long iterations = context.Knob("iterations");
        long repetitions = Math.Max(1, context.Knob("repetitions") / context.Threads);
        nuint size = (nuint)context.Sizes.Sample(new Random(context.Seed));
        GangResult gang = RunThreads(allocator, context.Threads, iterations, repetitions, size);
        return new WorkloadResult
        {
            ElapsedSeconds = gang.ElapsedSeconds,
            WorkerCpuMask = gang.WorkerCpuMask,
            Operations = iterations * repetitions * (long)Math.Max(size, 1) * context.Threads,
        };
    }

    /// <summary>
    /// Runs the benchmark's threads, each doing <paramref name="iterations"/> rounds of <paramref name="repetitions"/>
    /// writes of every byte of an object of <paramref name="size"/> bytes; returns what the <see cref="ThreadGang"/> gave.
    /// </summary>
    protected abstract GangResult RunThreads<TAllocator>(TAllocator allocator, int threads, long iterations, long repetitions, nuint size)
        where TAllocator : struct, IAllocator;

    /// <summary>One thread's rounds: allocate an object, write every byte of it many times, free it.</summary>
    protected static void Worker<TAllocator>(TAllocator allocator, long iterations, long repetitions, nuint size)
        where TAllocator : struct, IAllocator
    {
        for (long i = 0; i < iterations; i++)
        {
            Block block = Checked.NotNull(allocator.Malloc(size), size);
            WriteMany(block, repetitions);
            allocator.Free(block);
        }
    }

    /// <summary>
    /// Hoard's inner loop: every byte read and written back incremented, through volatile accesses. The object's
    /// address is taken once, into a register, as in Hoard's C code. Reading it from the <see cref="Block"/>
    /// argument on the stack inside the loop made the loop's timing depend on where the stack and the object fell
    /// within their pages: a load whose address matches a just-stored one in its low 12 bits waits for the store
    /// (4K aliasing), and cfa's first block in a fresh page did match.
    /// </summary>
    private static void WriteMany(Block block, long repetitions)
    {
        nuint size = block.Size;
        if (size == 0)
        {
            return;
        }
        ref byte first = ref block.At(0);
        for (long r = 0; r < repetitions; r++)
        {
            for (nuint k = 0; k < size; k++)
            {
                ref byte b = ref Unsafe.Add(ref first, k);
                Volatile.Write(ref b, (byte)(Volatile.Read(ref b) + 1));
            }
        }
    }
}
