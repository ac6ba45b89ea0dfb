using System.Diagnostics;
using Workbench.Benchmarks.Allocators;
using Workbench.Benchmarks.Sizes;

namespace Workbench.Benchmarks.Workloads;

/// <summary>
/// glibc-thread (glibc benchtests' bench-malloc-thread as mimalloc-bench runs it, <c>bench/glibc-bench</c>): each thread
/// keeps a working set of 1024 slots and, until the time is up, takes the next slot from a ring of 4 x 1024 random slot
/// numbers, frees what is in it and allocates the next size from a ring of random sizes into it, writing byte g of the
/// block as (byte)g (mimalloc-bench's copy touches the memory; glibc's own does not). Sizes follow glibc's inverse-square
/// distribution over 4-32768 (<c>invsquare:4-32768</c>: mostly tiny). As in the original, both rings are drawn once and
/// every thread walks the same ones from their start; slots start empty.
/// </summary>
public sealed class GlibcThreadWorkload : Workload
{
    /// <summary>How many random slot numbers the ring holds per slot of the working set (glibc: NUM_OFFSETS = 4 x WORKING_SET_SIZE).</summary>
    public const int OffsetsPerSlot = 4;

    /// <summary>How many sizes the ring holds (glibc: NUM_BLOCK_SIZES 8000; here the next power of two).</summary>
    public const int SizeRing = 8192;

    /// <inheritdoc />
    public override string Name => "glibc-thread";

    /// <inheritdoc />
    public override string Description => "glibc bench-malloc-thread (mimalloc-bench's): inverse-square sizes 4..32768 over a 1024-slot working set per thread, fixed time";

    /// <inheritdoc />
    public override string Operation => "one free + one malloc";

    /// <inheritdoc />
    public override string DefaultSizes => InverseSquareSizes.GlibcThread;

    /// <inheritdoc />
    public override IReadOnlyList<Knob> Knobs { get; } =
    [
        new("duration_ms", "how long to run (mimalloc-bench: BENCHMARK_DURATION 2 s; glibc: 60 s)", 2000, 150, Min: 1, Max: 3_600_000),
        new("working_set", "slots per thread (glibc: WORKING_SET_SIZE 1024)", 1024, 1024, Min: 1, Max: 100_000),
        Touching.Knob("every byte g written with (byte)g"),
    ];

    /// <inheritdoc />
    public override WorkloadResult Run<TAllocator>(TAllocator allocator, WorkloadContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        long duration = context.Knob("duration_ms") * Stopwatch.Frequency / 1000;
        int slots = (int)context.Knob("working_set");
        TouchPolicy touch = Touching.Of(context);
        // One ring of sizes and one of slot numbers, shared by every thread (glibc's are static arrays).
        SizeTable sizes = new(context.Sizes, context.Seed, SizeRing);
        int[] offsets = SlotRing(slots, context.Seed);
        long operations = 0;
        GangResult gang = ThreadGang.Run(context.Threads, t =>
        {
            long done = Worker(allocator, sizes, offsets, slots, touch, Stopwatch.GetTimestamp() + duration);
            Interlocked.Add(ref operations, done);
        });
        return new WorkloadResult { ElapsedSeconds = gang.ElapsedSeconds, WorkerCpuMask = gang.WorkerCpuMask, Operations = operations };
    }

    /// <summary>The ring of slot numbers: 4 x <paramref name="slots"/> of them, each uniform in [0, slots).</summary>
    public static int[] SlotRing(int slots, int seed)
    {
        FastRandom random = new(seed);
        return [.. Enumerable.Range(0, OffsetsPerSlot * slots).Select(_ => random.Below(slots))];
    }

    private static long Worker<TAllocator>(TAllocator allocator, SizeTable sizes, int[] offsets, int slots, TouchPolicy touch, long stopAt)
        where TAllocator : struct, IAllocator
    {
        Block[] live = new Block[slots];
        int offset = 0;
        long i = 0;
        while (true)
        {
            if ((i & 1023) == 1023 && Stopwatch.GetTimestamp() >= stopAt)
            {
                break;
            }
            // glibc steps each ring before reading it, so the first slot and size are those at index 1.
            offset = offset == offsets.Length - 1 ? 0 : offset + 1;
            ref Block slot = ref live[offsets[offset]];
            if (!slot.IsNull)
            {
                allocator.Free(slot);
            }
            nuint size = sizes[(int)(i + 1)];
            slot = Checked.NotNull(allocator.Malloc(size), size);
            if (touch == TouchPolicy.Published)
            {
                BlockWrites.Ramp(slot);
            }
            else
            {
                slot.Touch((byte)i);
            }
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
