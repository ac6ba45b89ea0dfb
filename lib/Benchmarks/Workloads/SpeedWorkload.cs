using System.Diagnostics;
using Workbench.Benchmarks.Allocators;
using Workbench.Benchmarks.Sizes;

namespace Workbench.Benchmarks.Workloads;

/// <summary>
/// speed (thesis): time per call of each routine and of chains of calls, per size: malloc+free,
/// a batch of mallocs then their frees, calloc+free, realloc growing (size, 2x, 3x, 4x) and shrinking
/// (4x, 3x, 2x, size), aligned allocation+free. Each routine's ns per call is a metric
/// (<c>speed_malloc_free_ns</c>, ...); the row's figure covers all calls. Routines the allocator lacks are skipped.
/// For one figure per size, sweep the sizes: <c>--sizes fixed:16,fixed:256,fixed:4096</c>.
/// </summary>
public sealed class SpeedWorkload : Workload
{
    /// <inheritdoc />
    public override string Name => "speed";

    /// <inheritdoc />
    public override string Description => "thesis: ns per call of malloc/free, batches, calloc, realloc growing and shrinking, aligned allocation, per size";

    /// <inheritdoc />
    public override string Operation => "one allocator call";

    /// <inheritdoc />
    public override string DefaultSizes => "fixed:64";

    /// <inheritdoc />
    public override IReadOnlyList<int> QuickThreads => [1];

    /// <inheritdoc />
    public override IReadOnlyList<Knob> Knobs { get; } =
    [
        new("calls", "calls of each routine per thread", 1_000_000, 50_000),
        new("batch", "blocks allocated before they are freed, in the batch routine", 100, 100),
        new("alignment", "alignment of the aligned routine (bytes, a power of two)", 64, 64, 16),
    ];

    /// <inheritdoc />
    public override WorkloadResult Run<TAllocator>(TAllocator allocator, WorkloadContext context)
    {
        long calls = context.Knob("calls");
        int batch = (int)context.Knob("batch");
        nuint alignment = (nuint)context.Knob("alignment");
        if (!System.Numerics.BitOperations.IsPow2(alignment))
        {
            throw new ArgumentException($"alignment {alignment} is not a power of two: write --set alignment=64");
        }
        SizeTable[] tables = [.. Enumerable.Range(0, context.Threads).Select(context.SizeTableFor)];
        long[][] ticks = new long[context.Threads][];
        long[][] counts = new long[context.Threads][];
        double elapsed = ThreadGang.Run(context.Threads, t =>
        {
            (ticks[t], counts[t]) = Worker(allocator, tables[t], calls, batch, alignment);
        });
        WorkloadResult result = new() { ElapsedSeconds = elapsed };
        for (int r = 0; r < Routines.Length; r++)
        {
            long n = counts.Sum(c => c[r]);
            if (n == 0)
            {
                continue;
            }
            double ns = ticks.Sum(c => (double)c[r]) * 1e9 / Stopwatch.Frequency / n;
            result.Metrics[$"speed_{Routines[r]}_ns"] = ns;
            result.Operations += n;
        }
        return result;
    }

    private static readonly string[] Routines = ["malloc_free", "batch", "calloc_free", "realloc_grow", "realloc_shrink", "aligned_free"];

    private static (long[] Ticks, long[] Calls) Worker<TAllocator>(TAllocator allocator, SizeTable sizes, long calls, int batch, nuint alignment)
        where TAllocator : struct, IAllocator
    {
        long[] ticks = new long[Routines.Length];
        long[] counts = new long[Routines.Length];
        AllocatorFeatures features = allocator.Features;

        long start = Stopwatch.GetTimestamp();
        for (long i = 0; i < calls; i++)
        {
            nuint size = sizes[(int)i];
            Block b = Checked.NotNull(allocator.Malloc(size), size);
            b.Touch((byte)i);
            allocator.Free(b);
        }
        ticks[0] = Stopwatch.GetTimestamp() - start;
        counts[0] = 2 * calls;

        Block[] blocks = new Block[batch];
        start = Stopwatch.GetTimestamp();
        long rounds = Math.Max(1, calls / batch);
        for (long r = 0; r < rounds; r++)
        {
            for (int j = 0; j < batch; j++)
            {
                nuint size = sizes[(int)(r * batch + j)];
                blocks[j] = Checked.NotNull(allocator.Malloc(size), size);
                blocks[j].Touch((byte)j);
            }
            for (int j = 0; j < batch; j++)
            {
                allocator.Free(blocks[j]);
            }
        }
        ticks[1] = Stopwatch.GetTimestamp() - start;
        counts[1] = 2 * rounds * batch;

        if ((features & AllocatorFeatures.Calloc) != 0)
        {
            start = Stopwatch.GetTimestamp();
            for (long i = 0; i < calls; i++)
            {
                nuint size = sizes[(int)i];
                Block b = Checked.NotNull(allocator.Calloc(1, size), size);
                b.Touch((byte)i);
                allocator.Free(b);
            }
            ticks[2] = Stopwatch.GetTimestamp() - start;
            counts[2] = 2 * calls;
        }

        if ((features & AllocatorFeatures.Realloc) != 0)
        {
            long chains = Math.Max(1, calls / 3);
            start = Stopwatch.GetTimestamp();
            for (long i = 0; i < chains; i++)
            {
                nuint size = Math.Max(sizes[(int)i], 1);
                Block b = Checked.NotNull(allocator.Malloc(size), size);
                b.Touch(1);
                for (nuint k = 2; k <= 4; k++)
                {
                    b = Checked.NotNull(allocator.Realloc(b, size * k), size * k);
                    b.Touch((byte)k);
                }
                allocator.Free(b);
            }
            ticks[3] = Stopwatch.GetTimestamp() - start;
            counts[3] = 5 * chains;

            start = Stopwatch.GetTimestamp();
            for (long i = 0; i < chains; i++)
            {
                nuint size = Math.Max(sizes[(int)i], 1);
                Block b = Checked.NotNull(allocator.Malloc(size * 4), size * 4);
                b.Touch(1);
                for (nuint k = 3; k >= 1; k--)
                {
                    b = Checked.NotNull(allocator.Realloc(b, size * k), size * k);
                    b.Touch((byte)k);
                }
                allocator.Free(b);
            }
            ticks[4] = Stopwatch.GetTimestamp() - start;
            counts[4] = 5 * chains;
        }

        if ((features & AllocatorFeatures.Aligned) != 0)
        {
            start = Stopwatch.GetTimestamp();
            for (long i = 0; i < calls; i++)
            {
                nuint size = sizes[(int)i];
                Block b = Checked.NotNull(allocator.AlignedAlloc(alignment, size), size);
                if ((b.Address & (nint)(alignment - 1)) != 0)
                {
                    throw new InvalidOperationException($"aligned allocation of {size} bytes at {alignment} returned a misaligned address");
                }
                b.Touch((byte)i);
                allocator.AlignedFree(b);
            }
            ticks[5] = Stopwatch.GetTimestamp() - start;
            counts[5] = 2 * calls;
        }
        return (ticks, counts);
    }
}
