using System.Runtime.CompilerServices;
using Workbench.Benchmarks.Allocators;
using Workbench.Benchmarks.Sizes;

namespace Workbench.Benchmarks.Workloads;

/// <summary>
/// xmalloc-test (Lever and Boreham's test, as mimalloc-bench runs it: <c>xmalloc-test -w N -t 5 -s 64</c>): N threads
/// only allocate, N other threads only free what the first ones allocated, for a fixed time; it reports frees per
/// second. A producer mallocs a batch record (a next link and <c>batch</c> object pointers), fills it with <c>batch</c>
/// blocks, each written for min(size, 128) bytes with (index mod 256), and pushes it on one shared LIFO stack of at
/// most <c>in_flight</c> batches (it waits while the stack is full). A consumer pops the top batch, frees its blocks in
/// order, then frees the record. When the time is up the threads stop; batches still on the stack (and the last one each
/// producer pushes after the time is up) are freed after the clock stops and are not counted.
/// </summary>
/// <remarks>
/// The blocks of a batch travel in a managed <see cref="Block"/> array beside the record, because a block of a .NET
/// allocator is a managed array that unmanaged memory cannot hold; the arrays are made before the clock starts and
/// recycled, so the timed loop creates no managed object. The record itself is allocated and freed by the allocator
/// under test, and the producer writes each block's address into it (8 bytes per block), as the original does.
/// </remarks>
public sealed class XmallocTestWorkload : Workload
{
    /// <summary>Bytes of a batch record holding <paramref name="batch"/> pointers: the next link and the pointers.</summary>
    public static nuint RecordSize(int batch) => (nuint)(8 + 8 * batch);

    /// <summary>How many bytes of each block the original writes at most.</summary>
    public const int WrittenPrefix = 128;

    /// <inheritdoc />
    public override string Name => "xmalloc-test";

    /// <inheritdoc />
    public override string Description => "xmalloc-test: N threads only allocate, N others only free (asymmetric), batches on a LIFO stack; fixed time, frees per second";

    /// <inheritdoc />
    public override string Operation => "one block freed by a consumer thread";

    /// <inheritdoc />
    public override string DefaultSizes => "fixed:64";

    /// <inheritdoc />
    public override IReadOnlyList<Knob> Knobs { get; } =
    [
        new("duration_ms", "how long to run (mimalloc-bench: -t 5)", 5000, 150, Min: 1, Max: 3_600_000),
        new("batch", "blocks per batch record (xmalloc-test: OBJECTS_PER_BATCH 4096)", 4096, 4096, Min: 1, Max: 1_000_000),
        new("in_flight", "batches on the shared stack before producers wait (xmalloc-test: batch_count_limit 100)", 100, 100, Min: 1, Max: 100_000),
        Touching.Knob("the first min(size, 128) bytes set to the block's index mod 256"),
    ];

    /// <inheritdoc />
    public override WorkloadResult Run<TAllocator>(TAllocator allocator, WorkloadContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        int batchSize = (int)context.Knob("batch");
        int producers = context.Threads;
        TouchPolicy touch = Touching.Of(context);
        BatchStack stack = new((int)context.Knob("in_flight"), batchSize, producers);
        SizeTable[] tables = [.. Enumerable.Range(0, producers).Select(context.SizeTableFor)];
        long[] frees = new long[producers];
        using Timer stopper = new(_ => stack.Stop());
        GangResult gang = ThreadGang.Run(2 * producers, index =>
        {
            if (index == 0)
            {
                stopper.Change(context.Knob("duration_ms"), Timeout.Infinite);
            }
            if (index < producers)
            {
                Produce(allocator, stack, tables[index], batchSize, touch);
            }
            else
            {
                frees[index - producers] = Consume(allocator, stack);
            }
        });
        // Left on the stack when the time was up: freed after the clock stopped, as the original's main does.
        while (stack.TryPopLeftover(out Batch batch))
        {
            FreeBatch(allocator, batch);
        }
        return new WorkloadResult { ElapsedSeconds = gang.ElapsedSeconds, WorkerCpuMask = gang.WorkerCpuMask, Operations = frees.Sum() };
    }

    private static void Produce<TAllocator>(TAllocator allocator, BatchStack stack, SizeTable sizes, int batchSize, TouchPolicy touch)
        where TAllocator : struct, IAllocator
    {
        int next = 0;
        nuint recordSize = RecordSize(batchSize);
        while (!stack.Stopped)
        {
            Block record = Checked.NotNull(allocator.Malloc(recordSize), recordSize);
            Block[] objects = stack.TakeArray();
            for (int i = 0; i < batchSize; i++)
            {
                nuint size = sizes[next++];
                Block block = Checked.NotNull(allocator.Malloc(size), size);
                if (touch == TouchPolicy.Published)
                {
                    BlockWrites.Prefix(block, WrittenPrefix, (byte)i);
                }
                else
                {
                    block.Touch((byte)i);
                }
                objects[i] = block;
                Unsafe.WriteUnaligned(ref record.At((nuint)(8 + 8 * i)), block.Address);
            }
            stack.Push(new Batch(record, objects));
        }
    }

    private static long Consume<TAllocator>(TAllocator allocator, BatchStack stack)
        where TAllocator : struct, IAllocator
    {
        long freed = 0;
        while (stack.TryPop(out Batch batch))
        {
            FreeBatch(allocator, batch);
            stack.ReturnArray(batch.Objects);
            freed += batch.Objects.Length;
        }
        return freed;
    }

    private static void FreeBatch<TAllocator>(TAllocator allocator, Batch batch)
        where TAllocator : struct, IAllocator
    {
        foreach (Block block in batch.Objects)
        {
            allocator.Free(block);
        }
        allocator.Free(batch.Record);
    }
}
