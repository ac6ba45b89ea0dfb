using System.Runtime.InteropServices;
using Workbench.Benchmarks.Allocators;
using Workbench.Benchmarks.Model;
using Workbench.Benchmarks.Runner;
using Workbench.Benchmarks.Sizes;
using Workbench.Benchmarks.Workloads;

namespace Workbench.Benchmarks.Tests;

/// <summary>
/// The speed benchmark times every routine alone and every chain of the thesis at each size of a range in one run, and
/// the tight malloc-write-free pair: the calls it makes are the ones named, and every name has a figure per size.
/// </summary>
public sealed class SpeedWorkloadTests
{
    private static readonly string[] Routines = ["malloc", "free", "calloc", "realloc"];

    private static readonly string[] Chains =
        ["malloc_free", "calloc_free", "realloc_free", "malloc_realloc_free", "calloc_realloc_free", "malloc_realloc_free_calloc"];

    [Fact]
    public void TheBumpFloorIsSkipped_WhereTheTrialWouldAskItForMoreThanTheMachineHas()
    {
        // The thesis's full size (data/experiments/thesis-figures.yaml): a million calls of each name at five sizes to
        // 4 KiB, over 100 GB for an allocator that never frees, which the kernel killed; quick size asks for little.
        SweepDefinition full = new()
        {
            Benchmarks = ["speed"], Allocators = ["bump", "lifo", "cfa"], Threads = [1],
            Knobs = new() { [new KnobName("speed", "min_size")] = [16], [new KnobName("speed", "max_size")] = [4112], [new KnobName("speed", "size_step")] = [1024] },
        };
        Workload speed = WorkloadCatalog.Find("speed")!;
        List<TrialSpec> trials = SweepPlan.Expand(full);
        string? why = speed.Obstacle(AllocatorCatalog.Find("bump")!, trials.Single(t => t.Allocator == "bump"));
        Assert.NotNull(why);
        Assert.Matches(@"^bump never frees, and this trial would ask it for at least \d+ GB, more than this machine's \d+ GB: lower speed\.calls", why);
        Assert.Null(speed.Obstacle(AllocatorCatalog.Find("lifo")!, trials.Single(t => t.Allocator == "lifo")));
        Assert.Null(speed.Obstacle(AllocatorCatalog.Find("cfa")!, trials.Single(t => t.Allocator == "cfa")));

        SweepDefinition quick = new() { Benchmarks = ["speed"], Allocators = ["bump"], Threads = [1], Quick = true };
        Assert.Null(speed.Obstacle(AllocatorCatalog.Find("bump")!, SweepPlan.Expand(quick).Single()));
    }

    [Fact]
    public void ReportsEveryRoutineChainAndTheTightPairAtEverySizeOfTheRange()
    {
        WorkloadResult result = Run("glibc", new() { ["min_size"] = 16, ["max_size"] = 1040, ["size_step"] = 512 });
        string[] names = [.. Routines, .. Chains.Select(c => "chain_" + c), "tight"];
        foreach (string name in names)
        {
            double[] perSize = [.. new[] { 16, 528, 1040 }.Select(size => result.Metrics[$"speed_{name}_ns_at_{size}"])];
            Assert.All(perSize, ns => Assert.True(ns > 0 && double.IsFinite(ns), $"{name}: {ns} ns"));
            Assert.Equal(perSize.Average(), result.Metrics[$"speed_{name}_ns"], 9);
            Assert.False(result.Metrics.ContainsKey($"speed_{name}_ns_at_17"));
        }
        // A chain's time is the sum of its stages': malloc-free is malloc's time plus free's, at each size.
        foreach (int size in new[] { 16, 528, 1040 })
        {
            Assert.Equal(result.Metrics[$"speed_malloc_ns_at_{size}"] + result.Metrics[$"speed_free_ns_at_{size}"],
                result.Metrics[$"speed_chain_malloc_free_ns_at_{size}"], 6);
        }
    }

    [Fact]
    public void WithoutARangeTheyRunAtTheSizeSpecsFirstSize()
    {
        WorkloadResult result = Run("bump", []);
        Assert.True(result.Metrics["speed_tight_ns"] > 0);
        Assert.True(result.Metrics["speed_chain_malloc_realloc_free_calloc_ns"] > 0);
        Assert.DoesNotContain(result.Metrics.Keys, k => k.Contains("_at_", StringComparison.Ordinal));
        // The earlier table loops are still there.
        Assert.True(result.Metrics["speed_malloc_free_ns"] > 0);
    }

    [Fact]
    public void ChainsMakeTheirCallsStageByStageOverTheBatch()
    {
        CountingAllocator.Reset();
        Block[] blocks = new Block[10];
        long[] ticks = SpeedChains.Run(new CountingAllocator(), [SpeedChains.Stage.Malloc, SpeedChains.Stage.Realloc, SpeedChains.Stage.Free, SpeedChains.Stage.Calloc], 48, blocks, rounds: 3);
        Assert.Equal(4, ticks.Length);
        Assert.All(ticks, t => Assert.True(t >= 0));
        Assert.Equal(
            ["malloc 48", "realloc 48->96", "free 96", "calloc 48", "free 48"],
            CountingAllocator.Calls.Take(50).Select(c => c.Text).Distinct());
        // Each stage over the whole batch before the next: ten mallocs, then ten reallocs, ...; the calloc'd blocks freed untimed at the end.
        Assert.Equal(3 * 5 * 10, CountingAllocator.Calls.Count);
        Assert.All(CountingAllocator.Calls.Chunk(10), stage => Assert.Single(stage.Select(c => c.Text).Distinct()));
        Assert.Equal(0, CountingAllocator.Live);

        CountingAllocator.Reset();
        SpeedChains.Run(new CountingAllocator(), [SpeedChains.Stage.Realloc, SpeedChains.Stage.Free], 64, blocks, rounds: 1);
        Assert.Equal(["realloc null->64", "free 64"], CountingAllocator.Calls.Select(c => c.Text).Distinct());
        Assert.Equal(0, CountingAllocator.Live);
    }

    [Fact]
    public void TheTightPairWritesOneByteAndFreesAtOnce()
    {
        CountingAllocator.Reset();
        SpeedChains.Tight(new CountingAllocator(), 24, 1000);
        Assert.Equal(2000, CountingAllocator.Calls.Count);
        Assert.All(CountingAllocator.Calls.Chunk(2), pair => Assert.Equal(["malloc 24", "free 24 first byte 1"], pair.Select(c => c.Text)));
        Assert.Equal(0, CountingAllocator.Live);
    }

    [Theory]
    [InlineData(0, 100, 0, "without min_size")]
    [InlineData(100, 50, 10, "below min_size")]
    [InlineData(16, 4096, 0, "size_step is 0")]
    [InlineData(16, 4096, 16, "more than 64")]
    public void ABadRangeIsRefusedInOneLine(long min, long max, long step, string expected)
    {
        ArgumentException e = Assert.Throws<ArgumentException>(() => SpeedWorkload.RangeSizes(min, max, step, 64));
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
        Assert.Contains("--set", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RangeSizesRunFromMinToMaxByStep()
    {
        Assert.Equal([16, 528, 1040], SpeedWorkload.RangeSizes(16, 1040, 512, 64).Select(s => (int)s));
        Assert.Equal([16, 528], SpeedWorkload.RangeSizes(16, 1000, 512, 64).Select(s => (int)s));
        Assert.Equal([100], SpeedWorkload.RangeSizes(100, 0, 0, 64).Select(s => (int)s));
        Assert.Equal([64], SpeedWorkload.RangeSizes(0, 0, 0, 64).Select(s => (int)s));
    }

    private static WorkloadResult Run(string allocator, Dictionary<string, long> knobs)
    {
        Workload workload = WorkloadCatalog.Find("speed")!;
        knobs["calls"] = 2000;
        knobs["chains"] = 2;
        WorkloadContext context = new(1, SizeDistribution.Parse("fixed:64"), 5, workload.ResolveKnobs(true, knobs));
        return workload.RunOn(AllocatorCatalog.Find(allocator)!, context);
    }

    /// <summary>An allocator over the C heap that records each call (what and which sizes) and the bytes live.</summary>
    private readonly unsafe struct CountingAllocator : IAllocator
    {
        public static List<(string Text, nint Address)> Calls { get; } = [];

        public static long Live { get; private set; }

        public AllocatorFeatures Features => AllocatorFeatures.Calloc | AllocatorFeatures.Realloc;

        public static void Reset()
        {
            Calls.Clear();
            Live = 0;
        }

        public Block Malloc(nuint size) => Record($"malloc {size}", new Block(NativeMemory.Alloc(size), size));

        public Block Calloc(nuint count, nuint size) => Record($"calloc {count * size}", new Block(NativeMemory.AllocZeroed(count * size), count * size));

        public Block Realloc(Block block, nuint size)
        {
            string from = block.IsNull ? "null" : block.Size.ToString(System.Globalization.CultureInfo.InvariantCulture);
            Live -= block.IsNull ? 0 : (long)block.Size;
            return Record($"realloc {from}->{size}", new Block(NativeMemory.Realloc((void*)block.Address, size), size));
        }

        public void Free(Block block)
        {
            string first = block.Size == 24 ? $" first byte {block.At(0)}" : "";
            Calls.Add(($"free {block.Size}{first}", block.Address));
            Live -= (long)block.Size;
            NativeMemory.Free((void*)block.Address);
        }

        public Block AlignedAlloc(nuint alignment, nuint size) => throw new NotSupportedException();

        public void AlignedFree(Block block) => throw new NotSupportedException();

        private static Block Record(string text, Block block)
        {
            Calls.Add((text, block.Address));
            Live += (long)block.Size;
            return block;
        }
    }
}
