using Workbench.Benchmarks.Allocators;

namespace Workbench.Benchmarks.Workloads;

/// <summary>
/// cache-scratch (Hoard; passive false sharing): the main thread allocates one small object per thread and
/// hands it over; each worker frees it, then repeatedly allocates an object of the same size, writes it and
/// frees it. An allocator that gives a freed, line-sharing object to another thread scales poorly.
/// </summary>
public sealed class CacheScratchWorkload : Workload
{
    /// <inheritdoc />
    public override string Name => "cache-scratch";

    /// <inheritdoc />
    public override string Description => "Hoard: workers free an object the main thread allocated, then allocate/write/free their own (passive false sharing)";

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
        Block[] handed = new Block[context.Threads];
        for (int t = 0; t < handed.Length; t++)
        {
            handed[t] = Checked.NotNull(allocator.Malloc(size), size);
            handed[t].Touch(1);
        }
        double elapsed = ThreadGang.Run(context.Threads, t =>
        {
            allocator.Free(handed[t]);
            CacheThrashWorkload.Worker(allocator, iterations, repetitions, size);
        });
        return new WorkloadResult
        {
            ElapsedSeconds = elapsed,
            Operations = iterations * repetitions * (long)Math.Max(size, 1) * context.Threads,
        };
    }
}
