using Workbench.Benchmarks.Runner;
using Workbench.Benchmarks.Sizes;
using Workbench.Benchmarks.Workloads;

namespace Workbench.Benchmarks.Tests;

/// <summary>
/// The patterns written from mimalloc-bench's programs (mstress, rptest, shbench, alloc-test) do what the published
/// programs do, checked on a ledger of the allocator's calls: who allocated and freed which block, in what order.
/// </summary>
public sealed class MimallocBenchPatternTests
{
    [Fact]
    public void TheSixNewBenchmarksAreInTheQuickSuite()
    {
        string[] names = [.. WorkloadCatalog.All.Select(w => w.Name)];
        foreach (string name in new[] { "mstress", "rptest", "shbench", "alloc-test", "async", "security" })
        {
            Workload workload = Assert.Single(WorkloadCatalog.All, w => w.Name == name);
            Assert.NotEmpty(workload.QuickThreads);
            SizeDistribution.Parse(workload.DefaultSizes);
        }
        Assert.Contains("mstress", names);
    }

    [Fact]
    public void MstressFailsTheTrialNamingTheBlockWhenTheAllocatorHandsOutALiveBlockAgain()
    {
        Workload mstress = WorkloadCatalog.Find("mstress")!;
        Ledger ledger = new() { AliasEvery = 40 };
        Dictionary<string, long> knobs = mstress.ResolveKnobs(quick: true, new Dictionary<string, long> { ["scale"] = 1, ["iterations"] = 2, ["large"] = 0 });
        Exception? e = Record.Exception(() => mstress.Run(new LedgerAllocator(ledger), new WorkloadContext(1, SizeDistribution.Parse(mstress.DefaultSizes), 3, knobs)));
        Assert.NotNull(e);
        string message = TrialHost.Describe(e);
        Assert.StartsWith("InvalidDataException: mstress: memory corruption in the live block of ", message, StringComparison.Ordinal);
        Assert.Contains(" word ", message, StringComparison.Ordinal);
    }

    [Fact]
    public void MstressFreesEveryBlockAndSwapsBlocksBetweenThreadsOfEveryPhase()
    {
        Workload mstress = WorkloadCatalog.Find("mstress")!;
        Ledger ledger = new();
        Dictionary<string, long> knobs = mstress.ResolveKnobs(quick: true, new Dictionary<string, long> { ["scale"] = 2, ["iterations"] = 3, ["large"] = 1 });
        WorkloadResult result = mstress.Run(new LedgerAllocator(ledger), new WorkloadContext(2, SizeDistribution.Parse(mstress.DefaultSizes), 3, knobs));
        // Thread t allocates 100 x scale x (t mod 8 + 1) short-lived and half as many retained blocks per phase.
        Assert.Equal(3 * 150 * 2 * (1 + 2), result.Operations);
        Assert.Equal(result.Operations, ledger.Mallocs);
        Assert.Equal(ledger.Mallocs, ledger.Frees);
        Assert.Equal(0, ledger.Live);
        Assert.Equal(6, result.Metrics["threads_started"]);
        Assert.True(result.Metrics["transfer_swaps"] > 0);
        // Blocks that went through the shared slots were freed by another thread (a later phase's, or the main thread).
        Assert.True(ledger.RemoteFrees > 0, "no block was freed by another thread");
        Assert.True(result.Metrics["large_blocks"] > 0);
        foreach (nuint size in ledger.Sizes)
        {
            Assert.Equal(0u, size % 8);
            nuint words = size / 8;
            bool powerOfTwoTimes = new nuint[] { 1, 100, 1000, 10_000 }.Any(m => words % m == 0 && nuint.IsPow2(words / m));
            Assert.True(powerOfTwoTimes || words == 41, $"{size} bytes is not a power of two words (x1, x100, x1000 or x10000)");
        }
    }

    [Fact]
    public void RptestSizesFallOffLinearlyFrom8To16000()
    {
        SizeDistribution sizes = SizeDistribution.Parse("lineardrop:8-16000");
        Assert.Equal("lineardrop:8-16000", sizes.Spec);
        Random random = new(7);
        long[] draws = [.. Enumerable.Range(0, 400_000).Select(_ => sizes.Sample(random))];
        Assert.True(draws.Min() >= 8 && draws.Max() <= 16_000);
        foreach (double x in new[] { 0.02, 0.1, 0.25, 0.5, 0.75, 0.9 })
        {
            double share = draws.Count(d => d < 8 + x * 15_992) / (double)draws.Length;
            Assert.True(Math.Abs(share - LinearDropSizes.ShareBelow(x)) < 0.004, $"share below {x}: {share}, law {LinearDropSizes.ShareBelow(x)}");
        }
        // Each eighth of the range holds fewer sizes than the one below it.
        int[] bins = new int[8];
        foreach (long d in draws)
        {
            bins[Math.Min(7, (int)((d - 8) * 8 / 15_992))]++;
        }
        for (int i = 1; i < bins.Length; i++)
        {
            Assert.True(bins[i] < bins[i - 1], string.Join(", ", bins));
        }
        Assert.Equal(8 + 15_992 / 6.0, sizes.Mean, 1.0);
        Assert.True(Math.Abs(draws.Average() - sizes.Mean) < 0.01 * sizes.Mean);
        Assert.Throws<SizeSpecException>(() => SizeDistribution.Parse("lineardrop:16000-8"));
    }

    [Fact]
    public void RptestHandsBatchesToTheOtherThreadWhichFreesThem()
    {
        Workload rptest = WorkloadCatalog.Find("rptest")!;
        Ledger ledger = new();
        Dictionary<string, long> knobs = rptest.ResolveKnobs(quick: true, new Dictionary<string, long> { ["loops"] = 30, ["allocs"] = 200 });
        WorkloadResult result = rptest.Run(new LedgerAllocator(ledger), new WorkloadContext(2, SizeDistribution.Parse(rptest.DefaultSizes), 3, knobs));
        Assert.Equal(ledger.Mallocs + ledger.Frees, result.Operations);
        Assert.Equal(ledger.Mallocs, ledger.Frees);
        Assert.Equal(0, ledger.Live);
        Assert.True(result.Metrics["cross_thread_frees"] > 0);
        // Every free but those of handed batches is the owner's own.
        Assert.Equal(result.Metrics["cross_thread_frees"], ledger.RemoteFrees);
        Assert.True(ledger.Sizes.Max() > 4096, "no size above a page");

        Ledger alone = new();
        WorkloadResult single = rptest.Run(new LedgerAllocator(alone), new WorkloadContext(1, SizeDistribution.Parse(rptest.DefaultSizes), 3, knobs));
        Assert.Equal(0, single.Metrics["cross_thread_frees"]);
        Assert.Equal(0, alone.RemoteFrees);
    }

    [Fact]
    public void RptestStepsThroughItsSlotsByPrimesThatVisitEverySlot()
    {
        foreach (int slots in new[] { 1, 1000, 101 * 103, 10 * 1024 })
        {
            (int a, int f) = RptestWorkload.ScatterSteps(slots);
            Assert.NotEqual(a, f);
            Assert.Equal(1, (int)System.Numerics.BigInteger.GreatestCommonDivisor(a, slots));
            Assert.Equal(1, (int)System.Numerics.BigInteger.GreatestCommonDivisor(f, slots));
        }
    }

    [Fact]
    public void ShbenchSweepsTheSizesOfSh6bench()
    {
        Assert.Equal(new nuint[] { 1, 2, 4, 7, 11, 17, 26, 40, 61, 92, 139, 209, 314, 472, 709 }, ShbenchWorkload.BaseSizes(1, 1000));
        long perSweep = ShbenchWorkload.BaseSizes(1, 1000).Sum(b =>
        {
            long n = 0;
            for (nuint s = b; s > 0; s /= 2)
            {
                n += ShbenchWorkload.Repeats(s);
            }
            return n;
        });
        Assert.Equal(19_300, perSweep);
        Workload shbench = WorkloadCatalog.Find("shbench")!;
        Ledger ledger = new();
        WorkloadResult result = shbench.Run(new LedgerAllocator(ledger), new WorkloadContext(1, SizeDistribution.Parse("uniform:1-1000"), 3,
            shbench.ResolveKnobs(quick: true, new Dictionary<string, long> { ["call_count"] = 2 })));
        Assert.Equal(2 * 19_300, result.Operations);
        Assert.Equal(ledger.Mallocs, ledger.Frees);
        Assert.Equal(0, ledger.Live);
    }

    [Fact]
    public void ShbenchFreesInOrderBelowTheKeptFifthAndInReverseOrderAboveIt()
    {
        Workload shbench = WorkloadCatalog.Find("shbench")!;
        Ledger ledger = new();
        // A ring of 10 slots, 2 kept each round; one size (1 byte), 250 blocks per sweep.
        shbench.Run(new LedgerAllocator(ledger), new WorkloadContext(1, SizeDistribution.Parse("uniform:1-2"), 3,
            shbench.ResolveKnobs(quick: true, new Dictionary<string, long> { ["call_count"] = 10, ["migrate"] = 0 })));
        Assert.Equal(10 * 250, ledger.Mallocs);
        // First full ring (blocks 0-9): 0 and 1 kept, 9 down to 2 freed in reverse order.
        Assert.Equal(new long[] { 9, 8, 7, 6, 5, 4, 3, 2 }, ledger.FreeOrder.Take(8));
        // Second ring (blocks 10-17 after the kept two): the kept 0 and 1 in order, then 17 down to 12 in reverse; 10, 11 kept.
        Assert.Equal(new long[] { 0, 1, 17, 16, 15, 14, 13, 12 }, ledger.FreeOrder.Skip(8).Take(8));
        Assert.Equal(ledger.Mallocs, ledger.Frees);
    }

    [Fact]
    public void Sh8benchMigrationHasTheNextThreadFreeTheInOrderPart()
    {
        Workload shbench = WorkloadCatalog.Find("shbench")!;
        foreach (long migrate in new long[] { 1, 0 })
        {
            Ledger ledger = new();
            WorkloadResult result = shbench.Run(new LedgerAllocator(ledger), new WorkloadContext(2, SizeDistribution.Parse("uniform:1-100"), 3,
                shbench.ResolveKnobs(quick: true, new Dictionary<string, long> { ["call_count"] = 40, ["migrate"] = migrate })));
            Assert.Equal(ledger.Mallocs, ledger.Frees);
            Assert.Equal(0, ledger.Live);
            Assert.Equal(result.Metrics["cross_thread_frees"], ledger.RemoteFrees);
            Assert.True(migrate == 1 ? ledger.RemoteFrees > 0 : ledger.RemoteFrees == 0, $"migrate={migrate}: {ledger.RemoteFrees} remote frees");
        }
    }

    [Fact]
    public void AllocTestPicksSlotsByASixFold8020Rule()
    {
        Assert.Equal(1.0, Enumerable.Range(0, AllocTestWorkload.Levels + 1).Sum(AllocTestWorkload.GroupShare), 12);
        Assert.Equal(0.262144, AllocTestWorkload.GroupShare(0), 12);
        Assert.Equal(0.000064, AllocTestWorkload.GroupShare(6), 12);
        int[] starts = AllocTestWorkload.GroupStarts(1 << 18);
        // The most picked group (26% of picks) holds 0.0064% of the slots; the least picked (0.0064%) holds 26%.
        Assert.Equal((int)((1 << 18) * 0.000064), starts[1] - starts[0]);
        Assert.Equal(1 << 18, starts[^1]);
        Assert.True(starts[^1] - starts[^2] >= (int)((1 << 18) * 0.262144));
    }

    [Fact]
    public void AllocTestWritesReadsAndFreesEveryBlock()
    {
        Workload allocTest = WorkloadCatalog.Find("alloc-test")!;
        Ledger ledger = new();
        WorkloadResult result = allocTest.Run(new LedgerAllocator(ledger), new WorkloadContext(1, SizeDistribution.Parse(allocTest.DefaultSizes), 3,
            allocTest.ResolveKnobs(quick: true, new Dictionary<string, long> { ["iterations"] = 20_000, ["slots"] = 1024 })));
        Assert.Equal(20_000, result.Operations);
        Assert.Equal(ledger.Mallocs, ledger.Frees);
        Assert.Equal(0, ledger.Live);
        Assert.True(ledger.Mallocs > 512, $"{ledger.Mallocs} mallocs");
        Assert.True(ledger.Sizes.Min() >= 5 && ledger.Sizes.Max() <= 1024);
    }

    [Theory]
    [InlineData("rptest")]
    [InlineData("shbench")]
    public async Task AThreadThatFailsDoesNotLeaveTheOthersWaitingAtTheEndOfAPass(string benchmark)
    {
        Workload workload = WorkloadCatalog.Find(benchmark)!;
        Ledger ledger = new() { FailAt = 300 };
        Dictionary<string, long> knobs = workload.ResolveKnobs(quick: true, new Dictionary<string, long> { ["loops"] = 30, ["allocs"] = 200, ["call_count"] = 40 }
            .Where(k => workload.Knobs.Any(w => w.Name == k.Key)).ToDictionary(k => k.Key, k => k.Value));
        Task run = Task.Run(() => workload.Run(new LedgerAllocator(ledger), new WorkloadContext(2, SizeDistribution.Parse(benchmark == "rptest" ? workload.DefaultSizes : "uniform:1-100"), 3, knobs)));
        bool ended = await Task.WhenAny(run, Task.Delay(TimeSpan.FromSeconds(120))) == run;
        Assert.True(ended, $"{benchmark} still runs two minutes after one of its threads failed");
        Exception e = Assert.IsType<AggregateException>(run.Exception);
        Assert.Contains("OutOfMemoryException: the allocator returned null", Runner.TrialHost.Describe(e), StringComparison.Ordinal);
    }
}
