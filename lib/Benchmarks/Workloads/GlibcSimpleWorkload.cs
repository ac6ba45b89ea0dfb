using Workbench.Benchmarks.Allocators;

namespace Workbench.Benchmarks.Workloads;

/// <summary>
/// glibc-simple (glibc benchtests' bench-malloc-simple): allocate an array of fixed-size blocks, free them
/// all, repeat; glibc runs arrays of 25, 100, 400 and 1600 blocks for 2,000,000 allocations in total, on the
/// main thread and on a thread. Here each worker thread runs its own copy (threads = 1 is the main-arena
/// case on most allocators); sweep <c>--set blocks=25,100,400,1600</c> for glibc's four figures.
/// </summary>
public sealed class GlibcSimpleWorkload : Workload
{
    /// <inheritdoc />
    public override string Name => "glibc-simple";

    /// <inheritdoc />
    public override string Description => "glibc bench-malloc-simple: arrays of fixed-size blocks allocated then freed, 2,000,000 allocations";

    /// <inheritdoc />
    public override string Operation => "one malloc + its free";

    /// <inheritdoc />
    public override string DefaultSizes => "fixed:64";

    /// <inheritdoc />
    public override IReadOnlyList<int> QuickThreads => [1];

    /// <inheritdoc />
    public override IReadOnlyList<Knob> Knobs { get; } =
    [
        new("blocks", "blocks in the array (glibc: 25, 100, 400, 1600)", 100, 100, Min: 1, Max: 1_000_000),
        new("allocations", "allocations per thread in total (glibc: 2,000,000)", 2_000_000, 100_000, Min: 1, Max: 10_000_000_000),
    ];

    /// <inheritdoc />
    public override WorkloadResult Run<TAllocator>(TAllocator allocator, WorkloadContext context)
    {
        int blocks = (int)context.Knob("blocks");
        long rounds = Math.Max(1, context.Knob("allocations") / blocks);
        nuint size = (nuint)context.Sizes.Sample(new Random(context.Seed));
        GangResult gang = ThreadGang.Run(context.Threads, _ =>
        {
            Block[] array = new Block[blocks];
            for (long r = 0; r < rounds; r++)
            {
                for (int j = 0; j < blocks; j++)
                {
                    array[j] = Checked.NotNull(allocator.Malloc(size), size);
                    array[j].Touch((byte)j);
                }
                for (int j = 0; j < blocks; j++)
                {
                    allocator.Free(array[j]);
                }
            }
        });
        return new WorkloadResult { ElapsedSeconds = gang.ElapsedSeconds, WorkerCpuMask = gang.WorkerCpuMask, Operations = rounds * blocks * context.Threads };
    }
}
