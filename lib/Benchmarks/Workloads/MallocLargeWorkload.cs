using Workbench.Benchmarks.Allocators;
using Workbench.Benchmarks.Sizes;

namespace Workbench.Benchmarks.Workloads;

/// <summary>
/// malloc-large (mimalloc-bench's <c>bench/malloc-large</c>): 20 slots, each holding at most one block of 5 to 25 MiB;
/// 2000 times, pick a random slot and a random size, allocate a block of that size, zero every byte of it
/// (<c>std::make_unique&lt;char[]&gt;</c> value-initialises), then free the block the slot held before (the
/// <c>unique_ptr</c> assignment releases the old block after the new one exists). Every page of every block is
/// written, so the page faults of fresh memory, which dominate the original, are in the figure.
/// </summary>
public sealed class MallocLargeWorkload : Workload
{
    /// <inheritdoc />
    public override string Name => "malloc-large";

    /// <inheritdoc />
    public override string Description => "mimalloc-bench: 5-25 MiB blocks into 20 random slots, each zero-filled, the slot's old block freed after";

    /// <inheritdoc />
    public override string Operation => "one malloc (zero-filled) + the free of the block it replaces";

    /// <inheritdoc />
    public override string DefaultSizes => "uniform:5242880-26214400";

    /// <inheritdoc />
    public override IReadOnlyList<int> QuickThreads => [1];

    /// <inheritdoc />
    public override IReadOnlyList<Knob> Knobs { get; } =
    [
        new("iterations", "allocations per thread (mimalloc-bench: kNumIterations 2000)", 2000, 20, Min: 1, Max: 10_000_000),
        new("live", "slots, so at most this many blocks live at once (mimalloc-bench: kNumBuffers 20)", 20, 20, Min: 1, Max: 100),
        Touching.Knob("every byte zeroed, as make_unique<char[]> does"),
    ];

    /// <inheritdoc />
    public override WorkloadResult Run<TAllocator>(TAllocator allocator, WorkloadContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        long iterations = context.Knob("iterations");
        int live = (int)context.Knob("live");
        TouchPolicy touch = Touching.Of(context);
        SizeTable[] tables = [.. Enumerable.Range(0, context.Threads).Select(context.SizeTableFor)];
        Block[][] slotsOf = [.. Enumerable.Range(0, context.Threads).Select(_ => new Block[live])];
        GangResult gang = ThreadGang.Run(context.Threads, t =>
        {
            Block[] slots = slotsOf[t];
            SizeTable sizes = tables[t];
            FastRandom random = new(unchecked(context.Seed * 31 + t));
            for (long i = 0; i < iterations; i++)
            {
                ref Block slot = ref slots[random.Below(live)];
                nuint size = sizes[(int)i];
                Block block = Checked.NotNull(allocator.Malloc(size), size);
                if (touch == TouchPolicy.Published)
                {
                    BlockWrites.Zero(block);
                }
                else
                {
                    block.Touch((byte)i);
                }
                if (!slot.IsNull)
                {
                    allocator.Free(slot);
                }
                slot = block;
            }
        });
        // The blocks left in the slots are freed after the clock stops, as the original's end time is taken before
        // its array of unique_ptrs is destroyed.
        foreach (Block block in slotsOf.SelectMany(s => s).Where(b => !b.IsNull))
        {
            allocator.Free(block);
        }
        return new WorkloadResult { ElapsedSeconds = gang.ElapsedSeconds, WorkerCpuMask = gang.WorkerCpuMask, Operations = iterations * context.Threads };
    }
}
