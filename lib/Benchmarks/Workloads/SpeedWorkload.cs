using System.Diagnostics;
using System.Runtime.CompilerServices;
using Workbench.Benchmarks.Allocators;
using Workbench.Benchmarks.Sizes;

namespace Workbench.Benchmarks.Workloads;

/// <summary>
/// speed (thesis): time per call of each routine and of chains of calls, per size: malloc+free,
/// a batch of mallocs then their frees, calloc+free, realloc growing (size, 2x, 3x, 4x) and shrinking
/// (4x, 3x, 2x, size), realloc chains (grow by 1.5x up to <c>chain_max</c>, 1 MiB, then shrink back), aligned allocation+free. Each routine's ns per call is a metric
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
        new("calls", "calls of each routine per thread", 1_000_000, 50_000, Min: 1, Max: 10_000_000_000),
        new("batch", "blocks allocated before they are freed, in the batch routine", 100, 100, Min: 1, Max: 1_000_000),
        new("alignment", "alignment of the aligned routine (bytes, a power of two)", 64, 64, Min: 16, Max: 1_048_576, PowerOfTwo: true),
        new("chains", "realloc chains (grow by 1.5x to chain_max, then shrink back)", 1_000, 100, Min: 1, Max: 10_000_000),
        new("chain_max", "the largest size of a realloc chain (bytes)", 1 << 20, 1 << 20, Min: 64, Max: 1_073_741_824),
    ];

    /// <inheritdoc />
    public override WorkloadResult Run<TAllocator>(TAllocator allocator, WorkloadContext context)
    {
        long calls = context.Knob("calls");
        int batch = (int)context.Knob("batch");
        nuint alignment = (nuint)context.Knob("alignment");
        long chains = context.Knob("chains");
        nuint chainMax = (nuint)context.Knob("chain_max");
        if (!System.Numerics.BitOperations.IsPow2(alignment))
        {
            throw new ArgumentException($"alignment {alignment} is not a power of two: write --set alignment=64");
        }
        SizeTable[] tables = [.. Enumerable.Range(0, context.Threads).Select(context.SizeTableFor)];
        long[][] ticks = new long[context.Threads][];
        long[][] counts = new long[context.Threads][];
        GangResult gang = ThreadGang.Run(context.Threads, t =>
        {
            (ticks[t], counts[t]) = Worker(allocator, tables[t], calls, batch, alignment, chains, chainMax);
        });
        // The row's figure: the calls of the short routines over the longest thread's time in them. The realloc
        // chain, whose calls copy up to a MiB, reports only its own metric.
        WorkloadResult result = new()
        {
            ElapsedSeconds = ticks.Max(c => (double)(c.Sum() - c[ChainRoutine])) / Stopwatch.Frequency,
            WorkerCpuMask = gang.WorkerCpuMask,
        };
        for (int r = 0; r < Routines.Length; r++)
        {
            long n = counts.Sum(c => c[r]);
            if (n == 0)
            {
                continue;
            }
            double ns = ticks.Sum(c => (double)c[r]) * 1e9 / Stopwatch.Frequency / n;
            result.Metrics[$"speed_{Routines[r]}_ns"] = ns;
            if (r != ChainRoutine)
            {
                result.Operations += n;
            }
        }
        return result;
    }

    private static readonly string[] Routines = ["malloc_free", "batch", "calloc_free", "realloc_grow", "realloc_shrink", "aligned_free", "realloc_chain"];

    /// <summary>The index of the realloc chain in <see cref="Routines"/>.</summary>
    private const int ChainRoutine = 6;

    /// <summary>
    /// Runs every routine in turn on one thread. Each routine's loop is a method of its own, so that the JIT
    /// compiles a small loop that keeps its state in registers: in one large method, spills to the stack sat
    /// between the allocator's loads and stores and the measured time depended on where the stack landed.
    /// </summary>
    private static (long[] Ticks, long[] Calls) Worker<TAllocator>(TAllocator allocator, SizeTable sizes, long calls, int batch, nuint alignment, long chains, nuint chainMax)
        where TAllocator : struct, IAllocator
    {
        long[] ticks = new long[Routines.Length];
        long[] counts = new long[Routines.Length];
        AllocatorFeatures features = allocator.Features;

        (ticks[0], counts[0]) = MallocFree(allocator, sizes, calls);
        (ticks[1], counts[1]) = Batch(allocator, sizes, calls, new Block[batch]);
        if ((features & AllocatorFeatures.Calloc) != 0)
        {
            (ticks[2], counts[2]) = CallocFree(allocator, sizes, calls);
        }
        if ((features & AllocatorFeatures.Realloc) != 0)
        {
            (ticks[3], counts[3]) = ReallocSteps(allocator, sizes, Math.Max(1, calls / 3), 1, 4);
            (ticks[4], counts[4]) = ReallocSteps(allocator, sizes, Math.Max(1, calls / 3), 4, 1);
            (ticks[6], counts[6]) = ReallocChain(allocator, sizes, chains, chainMax);
        }
        if ((features & AllocatorFeatures.Aligned) != 0)
        {
            (ticks[5], counts[5]) = AlignedFree(allocator, sizes, calls, alignment);
        }
        return (ticks, counts);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static (long Ticks, long Calls) MallocFree<TAllocator>(TAllocator allocator, SizeTable sizes, long calls)
        where TAllocator : struct, IAllocator
    {
        long start = Stopwatch.GetTimestamp();
        for (long i = 0; i < calls; i++)
        {
            nuint size = sizes[(int)i];
            Block b = Checked.NotNull(allocator.Malloc(size), size);
            b.Touch((byte)i);
            allocator.Free(b);
        }
        return (Stopwatch.GetTimestamp() - start, 2 * calls);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static (long Ticks, long Calls) Batch<TAllocator>(TAllocator allocator, SizeTable sizes, long calls, Block[] blocks)
        where TAllocator : struct, IAllocator
    {
        int batch = blocks.Length;
        long rounds = Math.Max(1, calls / batch);
        long start = Stopwatch.GetTimestamp();
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
        return (Stopwatch.GetTimestamp() - start, 2 * rounds * batch);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static (long Ticks, long Calls) CallocFree<TAllocator>(TAllocator allocator, SizeTable sizes, long calls)
        where TAllocator : struct, IAllocator
    {
        long start = Stopwatch.GetTimestamp();
        for (long i = 0; i < calls; i++)
        {
            nuint size = sizes[(int)i];
            Block b = Checked.NotNull(allocator.Calloc(1, size), size);
            b.Touch((byte)i);
            allocator.Free(b);
        }
        return (Stopwatch.GetTimestamp() - start, 2 * calls);
    }

    /// <summary>
    /// Realloc steps: malloc of <paramref name="first"/> x the size, then realloc to each multiple from there to
    /// <paramref name="last"/> (growing when <paramref name="last"/> is larger, shrinking when smaller), then free.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static (long Ticks, long Calls) ReallocSteps<TAllocator>(TAllocator allocator, SizeTable sizes, long chains, int first, int last)
        where TAllocator : struct, IAllocator
    {
        nuint step = last > first ? 1 : unchecked((nuint)(-1));
        long start = Stopwatch.GetTimestamp();
        for (long i = 0; i < chains; i++)
        {
            nuint size = Math.Max(sizes[(int)i], 1);
            nuint k = (nuint)first;
            Block b = Checked.NotNull(allocator.Malloc(size * k), size * k);
            b.Touch(1);
            do
            {
                k += step;
                b = Checked.NotNull(allocator.Realloc(b, size * k), size * k);
                b.Touch((byte)k);
            }
            while (k != (nuint)last);
            allocator.Free(b);
        }
        return (Stopwatch.GetTimestamp() - start, (2 + Math.Abs(last - first)) * chains);
    }

    /// <summary>
    /// Realloc chains: from the request size, grow by 1.5x until the block reaches <paramref name="chainMax"/>,
    /// then shrink by 1.5x back down; every step writes the block's first and last byte.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static (long Ticks, long Calls) ReallocChain<TAllocator>(TAllocator allocator, SizeTable sizes, long chains, nuint chainMax)
        where TAllocator : struct, IAllocator
    {
        long count = 0;
        long start = Stopwatch.GetTimestamp();
        for (long i = 0; i < chains; i++)
        {
            nuint first = Math.Max(sizes[(int)i], 1);
            nuint size = first;
            Block b = Checked.NotNull(allocator.Malloc(size), size);
            b.Touch(1);
            while (size < chainMax)
            {
                size = Math.Min(chainMax, size + size / 2 + 1);
                b = Checked.NotNull(allocator.Realloc(b, size), size);
                b.Touch(2);
                count++;
            }
            while (size > first)
            {
                size = Math.Max(first, size * 2 / 3);
                b = Checked.NotNull(allocator.Realloc(b, size), size);
                b.Touch(3);
                count++;
            }
            allocator.Free(b);
        }
        return (Stopwatch.GetTimestamp() - start, count + 2 * chains);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static (long Ticks, long Calls) AlignedFree<TAllocator>(TAllocator allocator, SizeTable sizes, long calls, nuint alignment)
        where TAllocator : struct, IAllocator
    {
        long start = Stopwatch.GetTimestamp();
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
        return (Stopwatch.GetTimestamp() - start, 2 * calls);
    }
}
