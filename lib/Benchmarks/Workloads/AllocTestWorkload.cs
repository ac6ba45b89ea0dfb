using Workbench.Benchmarks.Allocators;
using Workbench.Benchmarks.Sizes;

namespace Workbench.Benchmarks.Workloads;

/// <summary>
/// alloc-test (OLogN's allocator tester, as mimalloc-bench runs it: <c>alloc-test 1</c> and <c>alloc-test N</c>): each
/// thread owns <c>slots</c> / threads slots, half of them filled at the start. Each iteration picks a slot with an
/// 80/20 rule applied six times over (a few slots take most of the traffic): a full slot's block is read whole and
/// freed, an empty slot gets a new block that is written whole (every byte set to the low byte of its size). Sizes
/// follow a Pareto law up to 1 KiB. At the end every block left is read and freed.
/// </summary>
public sealed class AllocTestWorkload : Workload
{
    /// <summary>The six-fold 80/20 split: how many times the 20% side was taken decides the slot group.</summary>
    public const int Levels = 6;

    /// <inheritdoc />
    public override string Name => "alloc-test";

    /// <inheritdoc />
    public override string Description => "OLogN alloc-test: slots picked by a six-fold 80/20 rule, freed if full (read whole first) or filled (written whole), Pareto sizes up to 1 KiB";

    /// <inheritdoc />
    public override string Operation => "one iteration: a malloc or a free";

    /// <inheritdoc />
    public override string DefaultSizes => "pareto:5-1024:1";

    /// <inheritdoc />
    public override IReadOnlyList<int> QuickThreads => [1];

    /// <inheritdoc />
    public override IReadOnlyList<Knob> Knobs { get; } =
    [
        new("iterations", "iterations per thread (alloc-test: 100,000,000)", 100_000_000, 100_000, Min: 1, Max: 10_000_000_000),
        new("slots", "slots in all, divided among the threads (alloc-test: 2^18)", 1 << 18, 1 << 14, Min: 1, Max: 1 << 26),
        Touching.Knob("every byte written with the low byte of the size, every byte read before the free"),
    ];

    /// <inheritdoc />
    public override WorkloadResult Run<TAllocator>(TAllocator allocator, WorkloadContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        long iterations = context.Knob("iterations");
        int slots = (int)Math.Max(1, context.Knob("slots") / context.Threads);
        bool whole = Touching.Of(context) == TouchPolicy.Published;
        SizeTable[] tables = [.. Enumerable.Range(0, context.Threads).Select(context.SizeTableFor)];
        long checksum = 0;
        GangResult gang = ThreadGang.Run(context.Threads, t =>
        {
            long sum = Tester(allocator, tables[t], slots, iterations, whole, context.Seed * 31 + t);
            Interlocked.Add(ref checksum, sum);
        });
        WorkloadResult result = new() { ElapsedSeconds = gang.ElapsedSeconds, WorkerCpuMask = gang.WorkerCpuMask, Operations = iterations * context.Threads };
        // What the reads summed, so that no read can be left out as dead code.
        result.Metrics["read_checksum"] = checksum & 0xFFFF;
        return result;
    }

    /// <summary>
    /// The share of picks that fall into group g (g = 0: the most picked): the probability that the 20% side was taken
    /// g times in six, C(6, g) 0.8^(6 - g) 0.2^g; group g holds the same share of the slots taken from the other end,
    /// C(6, 6 - g) 0.8^g 0.2^(6 - g), so 26% of picks go to 0.006% of the slots.
    /// </summary>
    internal static double GroupShare(int group) => Binomial(Levels, group) * Math.Pow(0.8, Levels - group) * Math.Pow(0.2, group);

    /// <summary>The first slot of each group and the end of the last (slot count <paramref name="slots"/>).</summary>
    internal static int[] GroupStarts(int slots)
    {
        int[] starts = new int[Levels + 2];
        for (int g = 0; g < Levels; g++)
        {
            starts[g + 1] = starts[g] + (int)(slots * GroupShare(Levels - g));
        }
        starts[Levels + 1] = slots;
        return starts;
    }

    private static double Binomial(int n, int k)
    {
        double value = 1;
        for (int i = 1; i <= k; i++)
        {
            value = value * (n - k + i) / i;
        }
        return value;
    }

    /// <summary>One thread: the setup, the main loop and the exit.</summary>
    private static long Tester<TAllocator>(TAllocator allocator, SizeTable sizes, int slots, long iterations, bool whole, int seed)
        where TAllocator : struct, IAllocator
    {
        Block[] slot = new Block[slots];
        FastRandom random = new(seed);
        int sizeIndex = 0;
        long sum = 0;
        for (int i = 0; i < slots; i++)
        {
            if ((random.Next() & 1) != 0)
            {
                slot[i] = Fill(allocator, sizes[sizeIndex++], whole);
            }
        }
        int[] starts = GroupStarts(slots);
        uint[] thresholds = new uint[Levels];
        double cumulative = 0;
        for (int g = 0; g < Levels; g++)
        {
            cumulative += GroupShare(g);
            thresholds[g] = (uint)(uint.MaxValue * Math.Min(1.0, cumulative));
        }
        for (long n = 0; n < iterations; n++)
        {
            uint pick = random.Next();
            int group = Levels;
            for (int g = 0; g < Levels; g++)
            {
                if (pick < thresholds[g])
                {
                    group = g;
                    break;
                }
            }
            int width = starts[group + 1] - starts[group];
            if (width == 0)
            {
                continue;
            }
            int index = starts[group] + random.Below(width);
            ref Block block = ref slot[index];
            if (!block.IsNull)
            {
                sum += whole ? ReadWhole(block) : block.ReadEnds();
                allocator.Free(block);
                block = default;
            }
            else
            {
                block = Fill(allocator, sizes[sizeIndex++], whole);
            }
        }
        foreach (Block block in slot)
        {
            if (!block.IsNull)
            {
                sum += whole ? ReadWhole(block) : block.ReadEnds();
                allocator.Free(block);
            }
        }
        return sum;
    }

    private static Block Fill<TAllocator>(TAllocator allocator, nuint size, bool whole)
        where TAllocator : struct, IAllocator
    {
        Block block = Checked.NotNull(allocator.Malloc(size), size);
        if (whole)
        {
            BlockBytes.Of(block).Fill((byte)size);
        }
        else
        {
            block.Touch((byte)size);
        }
        return block;
    }

    /// <summary>Reads every byte (in words, then the tail), as alloc-test's full access mode does before a free.</summary>
    private static long ReadWhole(Block block)
    {
        ulong sum = 0;
        foreach (ulong word in BlockBytes.Words(block))
        {
            sum += word;
        }
        Span<byte> bytes = BlockBytes.Of(block);
        for (int i = bytes.Length & ~7; i < bytes.Length; i++)
        {
            sum += bytes[i];
        }
        return (long)(sum & 0xFFFF_FFFF);
    }
}
