using System.Diagnostics;
using Workbench.Benchmarks.Allocators;
using Workbench.Benchmarks.Sizes;

namespace Workbench.Benchmarks.Workloads;

/// <summary>
/// glibc-simple (glibc benchtests' bench-malloc-simple as mimalloc-bench runs it, <c>bench/glibc-bench</c>): for each
/// size (16, 32, 64: mimalloc-bench's <c>bench(16)</c>, <c>bench(32)</c>, <c>bench(64)</c>) and each array length (25,
/// 100, 400, 1600), allocations / length rounds of: malloc a block into every slot, writing byte g of it as (byte)g,
/// then free the first half of the slots first to last (FIFO) and the second half last to first (LIFO). Each size runs
/// a warm-up pass over the four lengths, then glibc's three scenarios, each over the four lengths: on the first thread,
/// on a new thread that the first one starts and joins, and on the first thread again. Every worker thread runs the
/// whole program on its own (threads = 1 is the published run). Metrics give ns per malloc+free for each scenario,
/// size and length (as the original prints one time per scenario and length).
/// </summary>
public sealed class GlibcSimpleWorkload : Workload
{
    /// <summary>glibc's array lengths, run in this order.</summary>
    public static readonly IReadOnlyList<int> PublishedLengths = [25, 100, 400, 1600];

    /// <summary>The scenarios in the order they run, as they name metrics.</summary>
    public static readonly IReadOnlyList<string> Scenarios = ["first_thread", "new_thread", "first_thread_again"];

    /// <inheritdoc />
    public override string Name => "glibc-simple";

    /// <inheritdoc />
    public override string Description => "glibc bench-malloc-simple (mimalloc-bench's): arrays of 25-1600 blocks of 16, 32, 64 B, written, freed half FIFO and half LIFO, in three thread scenarios";

    /// <inheritdoc />
    public override string Operation => "one malloc + its free";

    /// <inheritdoc />
    public override string DefaultSizes => "pow2:16-64";

    /// <inheritdoc />
    public override IReadOnlyList<int> QuickThreads => [1];

    /// <inheritdoc />
    public override IReadOnlyList<Knob> Knobs { get; } =
    [
        new("blocks", "array length: 0 = glibc's four in turn (25, 100, 400, 1600), else only this one", 0, 0, Min: 0, Max: 1_000_000),
        new("allocations", "allocations per size, array length and scenario (mimalloc-bench: NUM_ITERS 2,000,000)", 2_000_000, 20_000, Min: 1, Max: 10_000_000_000),
        Touching.Knob("every byte g written with (byte)g"),
    ];

    /// <summary>
    /// The sizes the program runs, in turn: the one size of a <c>fixed:</c> spec or every power of two of a <c>pow2:</c>
    /// spec; null for any other spec (this benchmark runs each size alone, so it needs a short list of them).
    /// </summary>
    public static IReadOnlyList<long>? SizesOf(SizeDistribution sizes) => sizes switch
    {
        FixedSizes => [sizes.Min],
        PowerOfTwoSizes => [.. Enumerable.Range(0, 64).Select(e => 1L << e).Where(p => p >= sizes.Min && p <= sizes.Max)],
        _ => null,
    };

    /// <inheritdoc />
    public override string? Obstacle(AllocatorInfo allocator, int threads, string sizes)
    {
        try
        {
            return SizesOf(SizeDistribution.Parse(sizes)) is null
                ? $"glibc-simple runs each size of its spec in turn, so it takes fixed:N or pow2:A-B (e.g. pow2:16-64, its default), not {sizes}"
                : null;
        }
        catch (SizeSpecException e)
        {
            return e.Message;
        }
    }

    /// <inheritdoc />
    public override WorkloadResult Run<TAllocator>(TAllocator allocator, WorkloadContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        IReadOnlyList<long> sizes = SizesOf(context.Sizes)
            ?? throw new ArgumentException($"glibc-simple takes fixed:N or pow2:A-B sizes, not {context.Sizes.Spec}", nameof(context));
        int blocks = (int)context.Knob("blocks");
        IReadOnlyList<int> lengths = blocks == 0 ? PublishedLengths : [blocks];
        long allocations = context.Knob("allocations");
        TouchPolicy touch = Touching.Of(context);
        // Ticks per (scenario, size, length), summed over the worker threads.
        long[,,] ticks = new long[Scenarios.Count, sizes.Count, lengths.Count];
        long operations = 0;
        GangResult gang = ThreadGang.Run(context.Threads, _ =>
        {
            Block[] array = new Block[lengths.Max()];
            long done = 0;
            for (int s = 0; s < sizes.Count; s++)
            {
                nuint size = (nuint)sizes[s];
                for (int l = 0; l < lengths.Count; l++)
                {
                    done += Rounds(allocator, array, size, lengths[l], allocations, touch);
                }
                for (int scenario = 0; scenario < Scenarios.Count; scenario++)
                {
                    int sizeIndex = s;
                    long scenarioDone = 0;
                    void Pass()
                    {
                        for (int l = 0; l < lengths.Count; l++)
                        {
                            long start = Stopwatch.GetTimestamp();
                            scenarioDone += Rounds(allocator, array, size, lengths[l], allocations, touch);
                            Interlocked.Add(ref ticks[scenario, sizeIndex, l], Stopwatch.GetTimestamp() - start);
                        }
                    }
                    if (Scenarios[scenario] == "new_thread")
                    {
                        OnNewThread(Pass);
                    }
                    else
                    {
                        Pass();
                    }
                    done += scenarioDone;
                }
            }
            Interlocked.Add(ref operations, done);
        });
        WorkloadResult result = new() { ElapsedSeconds = gang.ElapsedSeconds, WorkerCpuMask = gang.WorkerCpuMask, Operations = operations };
        AddMetrics(result, ticks, sizes, lengths, allocations, context.Threads);
        return result;
    }

    /// <summary>allocations / length rounds of malloc-all, then free half FIFO and half LIFO; returns the mallocs made.</summary>
    private static long Rounds<TAllocator>(TAllocator allocator, Block[] array, nuint size, int length, long allocations, TouchPolicy touch)
        where TAllocator : struct, IAllocator
    {
        long rounds = Math.Max(1, allocations / length);
        int half = length / 2;
        for (long r = 0; r < rounds; r++)
        {
            for (int i = 0; i < length; i++)
            {
                Block block = Checked.NotNull(allocator.Malloc(size), size);
                if (touch == TouchPolicy.Published)
                {
                    BlockWrites.Ramp(block);
                }
                else
                {
                    block.Touch((byte)i);
                }
                array[i] = block;
            }
            for (int i = 0; i < half; i++)
            {
                allocator.Free(array[i]);
            }
            for (int i = length - 1; i >= half; i--)
            {
                allocator.Free(array[i]);
            }
        }
        return rounds * length;
    }

    /// <summary>Runs <paramref name="body"/> on a thread started and joined here, rethrowing what it threw.</summary>
    private static void OnNewThread(Action body)
    {
        Exception? error = null;
        Thread thread = new(() =>
        {
            try
            {
                body();
            }
            catch (Exception e)
            {
                error = e;
            }
        })
        { IsBackground = true, Name = "glibc-simple new thread" };
        thread.Start();
        thread.Join();
        if (error is not null)
        {
            throw new AggregateException(error);
        }
    }

    /// <summary>
    /// ns per malloc+free of each scenario (<c>first_thread_ns</c>, ...), each size (<c>size_16_ns</c>, ...) and each
    /// array length (<c>blocks_25_ns</c>, ...), over the timed passes (the warm-up left out), averaged over the threads.
    /// </summary>
    private static void AddMetrics(WorkloadResult result, long[,,] ticks, IReadOnlyList<long> sizes, IReadOnlyList<int> lengths, long allocations, int threads)
    {
        double NsPerOp(IEnumerable<(int Scenario, int Size, int Length)> cells)
        {
            long t = 0;
            long ops = 0;
            foreach ((int scenario, int size, int length) in cells)
            {
                t += ticks[scenario, size, length];
                ops += Math.Max(1, allocations / lengths[length]) * lengths[length] * threads;
            }
            return t * 1e9 / Stopwatch.Frequency / ops;
        }
        IEnumerable<(int, int, int)> All() =>
            from a in Enumerable.Range(0, Scenarios.Count)
            from b in Enumerable.Range(0, sizes.Count)
            from c in Enumerable.Range(0, lengths.Count)
            select (a, b, c);
        for (int a = 0; a < Scenarios.Count; a++)
        {
            result.Metrics[$"{Scenarios[a]}_ns"] = NsPerOp(All().Where(x => x.Item1 == a));
        }
        for (int b = 0; b < sizes.Count; b++)
        {
            result.Metrics[$"size_{sizes[b]}_ns"] = NsPerOp(All().Where(x => x.Item2 == b));
        }
        for (int c = 0; c < lengths.Count; c++)
        {
            result.Metrics[$"blocks_{lengths[c]}_ns"] = NsPerOp(All().Where(x => x.Item3 == c));
        }
    }
}
