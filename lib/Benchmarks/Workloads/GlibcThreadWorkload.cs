using System.Diagnostics;
using Workbench.Benchmarks.Allocators;
using Workbench.Benchmarks.Sizes;

namespace Workbench.Benchmarks.Workloads;

/// <summary>
/// glibc-thread (glibc benchtests' bench-malloc-thread): each thread keeps a working set of 1024 slots and,
/// for a fixed time, frees a random slot and allocates a random size (4..32768) into it.
/// </summary>
public sealed class GlibcThreadWorkload : Workload
{
    /// <inheritdoc />
    public override string Name => "glibc-thread";

    /// <inheritdoc />
    public override string Description => "glibc bench-malloc-thread: random sizes 4..32768 over a 1024-slot working set per thread, fixed time";

    /// <inheritdoc />
    public override string Operation => "one free + one malloc";

    /// <inheritdoc />
    public override string DefaultSizes => "uniform:4-32768";

    /// <inheritdoc />
    public override IReadOnlyList<Knob> Knobs { get; } =
    [
        new("duration_ms", "how long to run (glibc: 10 s)", 10_000, 150, Min: 1, Max: 3_600_000),
        new("working_set", "slots per thread (glibc: 1024)", 1024, 1024, Min: 1, Max: 100_000),
    ];

    /// <inheritdoc />
    public override WorkloadResult Run<TAllocator>(TAllocator allocator, WorkloadContext context)
    {
        long duration = context.Knob("duration_ms") * Stopwatch.Frequency / 1000;
        int slots = (int)context.Knob("working_set");
        SizeTable[] tables = [.. Enumerable.Range(0, context.Threads).Select(context.SizeTableFor)];
        long operations = 0;
        GangResult gang = ThreadGang.Run(context.Threads, t =>
        {
            long done = Worker(allocator, tables[t], slots, context.Seed + t, Stopwatch.GetTimestamp() + duration);
            Interlocked.Add(ref operations, done);
        });
        return new WorkloadResult { ElapsedSeconds = gang.ElapsedSeconds, WorkerCpuMask = gang.WorkerCpuMask, Operations = operations };
    }

    private static long Worker<TAllocator>(TAllocator allocator, SizeTable sizes, int slots, int seed, long stopAt)
        where TAllocator : struct, IAllocator
    {
        Block[] live = new Block[slots];
        FastRandom random = new(seed);
        long i = 0;
        while (true)
        {
            if ((i & 1023) == 1023 && Stopwatch.GetTimestamp() >= stopAt)
            {
                break;
            }
            ref Block slot = ref live[random.Below(slots)];
            if (!slot.IsNull)
            {
                allocator.Free(slot);
            }
            nuint size = sizes[(int)i];
            slot = Checked.NotNull(allocator.Malloc(size), size);
            slot.Touch((byte)i);
            i++;
        }
        foreach (Block block in live)
        {
            if (!block.IsNull)
            {
                allocator.Free(block);
            }
        }
        return i;
    }
}
