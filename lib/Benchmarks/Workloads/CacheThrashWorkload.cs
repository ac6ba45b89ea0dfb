using System.Threading;
using Workbench.Benchmarks.Allocators;

namespace Workbench.Benchmarks.Workloads;

/// <summary>
/// cache-thrash (Hoard; active false sharing): each thread repeatedly allocates a small object, writes
/// every byte of it many times, and frees it. An allocator that gives different threads' objects out of
/// one cache line makes the threads fight over the line. The repetitions are split among the threads,
/// so the ideal is a P-fold speedup from 1 to P threads.
/// </summary>
public sealed class CacheThrashWorkload : Workload
{
    /// <inheritdoc />
    public override string Name => "cache-thrash";

    /// <inheritdoc />
    public override string Description => "Hoard: each thread allocates a small object, writes it many times, frees it (active false sharing)";

    /// <inheritdoc />
    public override string Operation => "one byte write into the object";

    /// <inheritdoc />
    public override string DefaultSizes => "fixed:1";

    /// <inheritdoc />
    public override IReadOnlyList<Knob> Knobs { get; } =
    [
        new("iterations", "allocate/write/free rounds per thread (Hoard: 100 or 1000)", 1000, 100),
        new("repetitions", "writes of each byte per round, split among the threads (Hoard: 1,000,000 or 2,000,000)", 2_000_000, 20_000),
    ];

    /// <inheritdoc />
    public override WorkloadResult Run<TAllocator>(TAllocator allocator, WorkloadContext context)
    {
        long iterations = context.Knob("iterations");
        long repetitions = Math.Max(1, context.Knob("repetitions") / context.Threads);
        nuint size = (nuint)context.Sizes.Sample(new Random(context.Seed));
        double elapsed = ThreadGang.Run(context.Threads, _ => Worker(allocator, iterations, repetitions, size));
        return new WorkloadResult
        {
            ElapsedSeconds = elapsed,
            Operations = iterations * repetitions * (long)Math.Max(size, 1) * context.Threads,
        };
    }

    internal static void Worker<TAllocator>(TAllocator allocator, long iterations, long repetitions, nuint size)
        where TAllocator : struct, IAllocator
    {
        for (long i = 0; i < iterations; i++)
        {
            Block block = Checked.NotNull(allocator.Malloc(size), size);
            WriteMany(block, repetitions);
            allocator.Free(block);
        }
    }

    /// <summary>Hoard's inner loop: every byte read and written back incremented, through volatile accesses.</summary>
    internal static void WriteMany(Block block, long repetitions)
    {
        nuint size = block.Size;
        for (long r = 0; r < repetitions; r++)
        {
            for (nuint k = 0; k < size; k++)
            {
                ref byte b = ref block.At(k);
                Volatile.Write(ref b, (byte)(Volatile.Read(ref b) + 1));
            }
        }
    }
}
