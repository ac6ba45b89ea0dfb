using Workbench.Benchmarks.Allocators;
using Workbench.Benchmarks.Sizes;

namespace Workbench.Benchmarks.Workloads;

/// <summary>
/// malloc-large (mimalloc-bench): blocks of 5 to 25 MiB, at most 20 live; each step frees the oldest and
/// allocates a new one, touching its first and last byte.
/// </summary>
public sealed class MallocLargeWorkload : Workload
{
    /// <inheritdoc />
    public override string Name => "malloc-large";

    /// <inheritdoc />
    public override string Description => "mimalloc-bench: 5-25 MiB blocks, at most 20 live, oldest freed first";

    /// <inheritdoc />
    public override string Operation => "one malloc + one free";

    /// <inheritdoc />
    public override string DefaultSizes => "uniform:5242880-26214400";

    /// <inheritdoc />
    public override IReadOnlyList<int> QuickThreads => [1];

    /// <inheritdoc />
    public override IReadOnlyList<Knob> Knobs { get; } =
    [
        new("iterations", "allocations per thread (mimalloc-bench: 500)", 500, 100, Min: 1, Max: 10_000_000),
        new("live", "blocks live at once (mimalloc-bench: 20)", 20, 20, Min: 1, Max: 100),
    ];

    /// <inheritdoc />
    public override WorkloadResult Run<TAllocator>(TAllocator allocator, WorkloadContext context)
    {
        long iterations = context.Knob("iterations");
        int live = (int)context.Knob("live");
        SizeTable[] tables = [.. Enumerable.Range(0, context.Threads).Select(context.SizeTableFor)];
        GangResult gang = ThreadGang.Run(context.Threads, t =>
        {
            Block[] blocks = new Block[live];
            SizeTable sizes = tables[t];
            for (long i = 0; i < iterations; i++)
            {
                ref Block slot = ref blocks[i % live];
                if (!slot.IsNull)
                {
                    allocator.Free(slot);
                }
                nuint size = sizes[(int)i];
                slot = Checked.NotNull(allocator.Malloc(size), size);
                slot.Touch((byte)i);
            }
            foreach (Block block in blocks)
            {
                if (!block.IsNull)
                {
                    allocator.Free(block);
                }
            }
        });
        return new WorkloadResult { ElapsedSeconds = gang.ElapsedSeconds, WorkerCpuMask = gang.WorkerCpuMask, Operations = iterations * context.Threads };
    }
}
