using System.Diagnostics;
using System.Runtime.CompilerServices;
using Workbench.Benchmarks.Allocators;
using Workbench.Benchmarks.Model;
using Workbench.Benchmarks.Sizes;

namespace Workbench.Benchmarks.Workloads;

/// <summary>
/// speed (thesis): time per call of each routine and of chains of calls, per size.
/// <list type="bullet">
/// <item>The thesis's routines and chains (<see cref="SpeedChains"/>), over a batch of <c>batch</c> blocks stage by
/// stage: each routine alone (<c>speed_malloc_ns</c>, <c>speed_free_ns</c>, <c>speed_calloc_ns</c>,
/// <c>speed_realloc_ns</c>, per call) and the chains programs use (<c>speed_chain_malloc_free_ns</c>, calloc-free,
/// realloc-free, malloc-realloc-free, calloc-realloc-free, malloc-realloc-free-calloc, per chain).</item>
/// <item>The tight pair <c>p = malloc(n); *p = 1; free(p)</c> with nothing else in the loop (<c>speed_tight_ns</c>, per
/// pair).</item>
/// <item>This workbench's earlier loops, which read a size table and touch each block: malloc+free, a batch of
/// mallocs then their frees, calloc+free, realloc growing (size, 2x, 3x, 4x) and shrinking (4x, 3x, 2x, size), realloc
/// chains (grow by 1.5x up to <c>chain_max</c>, 1 MiB, then shrink back), aligned allocation+free
/// (<c>speed_malloc_free_ns</c>, ...); the row's figure (ns per op) covers these, as before.</item>
/// </list>
/// The routines, chains and tight pair run at each size from <c>min_size</c> to <c>max_size</c> by <c>size_step</c> in
/// one run (the thesis's <c>-minS -maxS -stepS</c>), each size's figure as <c>speed_NAME_ns_at_SIZE</c> and their mean
/// over the sizes as <c>speed_NAME_ns</c>; with no range (the default) they run at the size spec's first size. Routines
/// the allocator lacks are skipped. The table loops follow <c>--sizes</c>; for one figure per size there, sweep it:
/// <c>--sizes fixed:16,fixed:256,fixed:4096</c>.
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
        new("min_size", "smallest size of the routines, chains and tight pair (bytes; 0: the size spec's first size)", 0, 0, Min: 0, Max: 1_073_741_824),
        new("max_size", "largest size of the routines, chains and tight pair (bytes; 0: min_size)", 0, 0, Min: 0, Max: 1_073_741_824),
        new("size_step", "step from min_size to max_size (bytes; 0: min_size alone)", 0, 0, Min: 0, Max: 1_073_741_824),
    ];

    /// <summary>The most sizes one run may time (each size adds a column per routine and chain).</summary>
    public const int MaxRangeSizes = 64;

    /// <summary>The sizes of the routines, chains and tight pair: <c>min_size</c> to <c>max_size</c> by <c>size_step</c>.</summary>
    /// <exception cref="ArgumentException">The range is empty, or has more than <see cref="MaxRangeSizes"/> sizes.</exception>
    public static IReadOnlyList<nuint> RangeSizes(long min, long max, long step, nuint specFirst)
    {
        if (min == 0)
        {
            if (max != 0 || step != 0)
            {
                throw new ArgumentException("max_size or size_step is set without min_size: write e.g. --set min_size=16,max_size=4096,size_step=1024");
            }
            return [Math.Max(specFirst, 1)];
        }
        max = max == 0 ? min : max;
        if (max < min)
        {
            throw new ArgumentException($"max_size {max} is below min_size {min}: write e.g. --set min_size={max},max_size={min}");
        }
        if (max > min && step == 0)
        {
            throw new ArgumentException($"size_step is 0 for sizes {min} to {max}: write e.g. --set size_step={Math.Max(1, (max - min) / 4)}");
        }
        long count = max == min ? 1 : (max - min) / step + 1;
        if (count > MaxRangeSizes)
        {
            throw new ArgumentException($"sizes {min} to {max} by {step} are {count} sizes, more than {MaxRangeSizes}: write a larger size_step, e.g. --set size_step={(max - min + MaxRangeSizes - 2) / (MaxRangeSizes - 1)}");
        }
        return [.. Enumerable.Range(0, (int)count).Select(i => (nuint)(min + i * step))];
    }

    /// <summary>The names of what is timed at each size of the range: the routines alone, the chains, the tight pair.</summary>
    private static readonly string[] RangeNames =
        [.. SpeedChains.Routines.Select(r => r.Name), .. SpeedChains.Chains.Select(c => "chain_" + c.Name), "tight"];

    /// <summary>
    /// Skips an allocator that never frees (the bump floor) when the trial would ask it for more bytes than this
    /// machine has: at the thesis's full size (1,000,000 calls of each routine and chain at five sizes from 16 B to
    /// 4 KiB) that is over 100 GB, and the kernel killed each such trial. The estimate is a lower bound: every timed call
    /// of each routine, chain and tight pair at each size of the range allocates at least that size, and each realloc
    /// chain grows a block to <c>chain_max</c>.
    /// </summary>
    public override string? Obstacle(AllocatorInfo allocator, TrialSpec trial)
    {
        ArgumentNullException.ThrowIfNull(allocator);
        ArgumentNullException.ThrowIfNull(trial);
        if (!allocator.NeverFrees)
        {
            return base.Obstacle(allocator, trial);
        }
        long Knob(string name) => trial.Knobs.TryGetValue(name, out long v) ? v : Knobs.First(k => k.Name == name).Default;
        double rangeBytes;
        try
        {
            // Without a range the routines run at the size spec's first size, unknown here: 1 byte keeps it a lower bound.
            rangeBytes = RangeSizes(Knob("min_size"), Knob("max_size"), Knob("size_step"), specFirst: 1).Sum(s => (double)s);
        }
        catch (ArgumentException)
        {
            return base.Obstacle(allocator, trial); // the trial itself reports the range's mistake in one line
        }
        double asked = trial.Threads * ((double)Knob("calls") * rangeBytes * RangeNames.Length + (double)Knob("chains") * Knob("chain_max"));
        double memory = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        return asked > memory
            ? FormattableString.Invariant($"{allocator.Name} never frees, and this trial would ask it for at least {asked / 1e9:F0} GB, more than this machine's {memory / 1e9:F0} GB: lower speed.calls or the size range")
            : base.Obstacle(allocator, trial);
    }

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
        IReadOnlyList<nuint> range = RangeSizes(context.Knob("min_size"), context.Knob("max_size"), context.Knob("size_step"), tables[0][0]);
        long[][] ticks = new long[context.Threads][];
        long[][] counts = new long[context.Threads][];
        RangeTimes[] rangeTimes = new RangeTimes[context.Threads];
        GangResult gang = ThreadGang.Run(context.Threads, t =>
        {
            (ticks[t], counts[t]) = Worker(allocator, tables[t], calls, batch, alignment, chains, chainMax);
            rangeTimes[t] = RangeWorker(allocator, range, calls, batch);
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
        AddRangeMetrics(result, range, rangeTimes);
        return result;
    }

    /// <summary>One thread's ticks and calls (or chains, or pairs) per size of the range and per name of <see cref="RangeNames"/>.</summary>
    private sealed record RangeTimes(long[,] Ticks, long[,] Counts);

    /// <summary>Per size: <c>speed_NAME_ns_at_SIZE</c> over all threads; per name: the mean of its sizes' figures, <c>speed_NAME_ns</c>.</summary>
    private static void AddRangeMetrics(WorkloadResult result, IReadOnlyList<nuint> range, RangeTimes[] threads)
    {
        for (int m = 0; m < RangeNames.Length; m++)
        {
            List<double> perSize = [];
            for (int s = 0; s < range.Count; s++)
            {
                long n = threads.Sum(t => t.Counts[s, m]);
                if (n == 0)
                {
                    continue;
                }
                double ns = threads.Sum(t => (double)t.Ticks[s, m]) * 1e9 / Stopwatch.Frequency / n;
                perSize.Add(ns);
                if (range.Count > 1)
                {
                    result.Metrics[$"speed_{RangeNames[m]}_ns_at_{range[s]}"] = ns;
                }
            }
            if (perSize.Count > 0)
            {
                result.Metrics[$"speed_{RangeNames[m]}_ns"] = perSize.Average();
            }
        }
    }

    /// <summary>The routines alone, the chains and the tight pair at every size of the range, on one thread.</summary>
    private static RangeTimes RangeWorker<TAllocator>(TAllocator allocator, IReadOnlyList<nuint> range, long calls, int batch)
        where TAllocator : struct, IAllocator
    {
        long[,] ticks = new long[range.Count, RangeNames.Length];
        long[,] counts = new long[range.Count, RangeNames.Length];
        Block[] blocks = new Block[batch];
        long rounds = Math.Max(1, calls / batch);
        int chainsAt = SpeedChains.Routines.Count;
        for (int s = 0; s < range.Count; s++)
        {
            for (int c = 0; c < SpeedChains.Chains.Count; c++)
            {
                SpeedChains.Stage[] stages = SpeedChains.Chains[c].Stages;
                if (!SpeedChains.CanRun(allocator.Features, stages))
                {
                    continue;
                }
                long[] stageTicks = SpeedChains.Run(allocator, stages, range[s], blocks, rounds);
                ticks[s, chainsAt + c] = stageTicks.Sum();
                counts[s, chainsAt + c] = rounds * batch;
                for (int r = 0; r < SpeedChains.Routines.Count; r++)
                {
                    if (SpeedChains.Routines[r].Chain == c)
                    {
                        ticks[s, r] = stageTicks[SpeedChains.Routines[r].Stage];
                        counts[s, r] = rounds * batch;
                    }
                }
            }
            ticks[s, RangeNames.Length - 1] = SpeedChains.Tight(allocator, range[s], calls);
            counts[s, RangeNames.Length - 1] = calls;
        }
        return new RangeTimes(ticks, counts);
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
