using Workbench.Benchmarks.Allocators;
using Workbench.Benchmarks.Sizes;

namespace Workbench.Benchmarks.Workloads;

/// <summary>
/// threadtest (Hoard's <c>benchmarks/threadtest</c>): each thread, <c>iterations</c> times, allocates objects/threads
/// objects in order and then frees them in the same order, with optional busy work after each call. Hoard's run
/// <c>threadtest P 1000 10000 0 8</c> allocates <c>new Foo[8]</c>, where <c>Foo</c> is two ints constructed to
/// (14, 29): a 64-byte block whose every byte the constructors write. So the default size is <c>fixed:64</c> and, with
/// <c>touch=0</c>, each block is written as eight (14, 29) pairs.
/// </summary>
public sealed class ThreadTestWorkload : Workload
{
    /// <inheritdoc />
    public override string Name => "threadtest";

    /// <inheritdoc />
    public override string Description => "Hoard: each thread allocates a batch of objects then frees them all, repeatedly";

    /// <inheritdoc />
    public override string Operation => "one malloc + its free";

    /// <inheritdoc />
    public override string DefaultSizes => "fixed:64";

    /// <inheritdoc />
    public override IReadOnlyList<Knob> Knobs { get; } =
    [
        new("iterations", "allocate-all/free-all rounds (Hoard: 1000)", 1000, 50, Min: 1, Max: 10_000_000),
        new("objects", "objects per round, split among the threads (Hoard: 10000)", 10_000, 10_000, Min: 1, Max: 10_000_000),
        new("work", "busy-loop steps between operations (Hoard: 0)", 0, 0, Min: 0, Max: 1_000_000),
        Touching.Knob("each 8-byte Foo of the block constructed to the ints 14, 29"),
    ];

    /// <summary>The ints Hoard's <c>Foo</c> constructor writes.</summary>
    public const int FooX = 14, FooY = 29;

    /// <inheritdoc />
    public override WorkloadResult Run<TAllocator>(TAllocator allocator, WorkloadContext context)
    {
        long iterations = context.Knob("iterations");
        int objects = (int)Math.Max(1, context.Knob("objects") / context.Threads);
        long work = context.Knob("work");
        TouchPolicy touch = Touching.Of(context);
        SizeTable[] tables = [.. Enumerable.Range(0, context.Threads).Select(context.SizeTableFor)];
        GangResult gang = ThreadGang.Run(context.Threads, t => Worker(allocator, tables[t], iterations, objects, work, touch));
        return new WorkloadResult { ElapsedSeconds = gang.ElapsedSeconds, WorkerCpuMask = gang.WorkerCpuMask, Operations = iterations * objects * context.Threads };
    }

    private static void Worker<TAllocator>(TAllocator allocator, SizeTable sizes, long iterations, int objects, long work, TouchPolicy touch)
        where TAllocator : struct, IAllocator
    {
        Block[] blocks = new Block[objects];
        int next = 0;
        for (long i = 0; i < iterations; i++)
        {
            for (int j = 0; j < objects; j++)
            {
                nuint size = sizes[next++];
                blocks[j] = Checked.NotNull(allocator.Malloc(size), size);
                if (touch == TouchPolicy.Published)
                {
                    BlockWrites.IntPairs(blocks[j], FooX, FooY);
                }
                else
                {
                    blocks[j].Touch((byte)j);
                }
                Spin(work);
            }
            for (int j = 0; j < objects; j++)
            {
                allocator.Free(blocks[j]);
                Spin(work);
            }
        }
    }

    private static void Spin(long work)
    {
        for (long w = 0; w < work; w++)
        {
            Thread.SpinWait(1);
        }
    }
}
