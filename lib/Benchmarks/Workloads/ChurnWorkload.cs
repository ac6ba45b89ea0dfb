using Workbench.Benchmarks.Allocators;
using Workbench.Benchmarks.Sizes;

namespace Workbench.Benchmarks.Workloads;

/// <summary>
/// churn (thesis): every thread keeps a set of live blocks and, at each iteration, frees a random one and
/// allocates a new one of a random size in its place. Only malloc and free: no memcpy or memset hides the
/// allocator's own cost.
/// </summary>
public sealed class ChurnWorkload : Workload
{
    /// <inheritdoc />
    public override string Name => "churn";

    /// <inheritdoc />
    public override string Description => "thesis: each thread frees a random live block and allocates a new one, over and over (malloc/free only)";

    /// <inheritdoc />
    public override string Operation => "one free + one malloc (per thread iteration)";

    /// <inheritdoc />
    public override string DefaultSizes => "uniform:16-1024";

    /// <inheritdoc />
    public override IReadOnlyList<Knob> Knobs { get; } =
    [
        new("iterations", "free+malloc replacements per thread", 2_000_000, 100_000, Min: 1, Max: 10_000_000_000),
        new("slots", "live blocks per thread", 1000, 1000, Min: 1, Max: 1_000_000),
    ];

    /// <inheritdoc />
    public override WorkloadResult Run<TAllocator>(TAllocator allocator, WorkloadContext context)
    {
        long iterations = context.Knob("iterations");
        int slots = (int)context.Knob("slots");
        SizeTable[] tables = [.. Enumerable.Range(0, context.Threads).Select(context.SizeTableFor)];
        GangResult gang = ThreadGang.Run(context.Threads, t => Worker(allocator, tables[t], iterations, slots, context.Seed + t));
        return new WorkloadResult { ElapsedSeconds = gang.ElapsedSeconds, WorkerCpuMask = gang.WorkerCpuMask, Operations = iterations * context.Threads };
    }

    private static void Worker<TAllocator>(TAllocator allocator, SizeTable sizes, long iterations, int slots, int seed)
        where TAllocator : struct, IAllocator
    {
        Block[] live = new Block[slots];
        FastRandom random = new(seed);
        for (long i = 0; i < iterations; i++)
        {
            ref Block slot = ref live[random.Below(slots)];
            if (!slot.IsNull)
            {
                allocator.Free(slot);
            }
            nuint size = sizes[(int)i];
            slot = Checked.NotNull(allocator.Malloc(size), size);
            slot.Touch((byte)i);
        }
        foreach (Block block in live)
        {
            if (!block.IsNull)
            {
                allocator.Free(block);
            }
        }
    }
}
