using Workbench.Benchmarks.Sizes;
using Workbench.Benchmarks.Workloads;

namespace Workbench.Benchmarks.Tests;

/// <summary>
/// The async benchmark's remote-free fraction is measured, not assumed: the workload's own count of frees on another
/// thread equals what the allocator saw (the managed thread of each malloc and of its free), with real threads.
/// </summary>
public sealed class AsyncWorkloadTests
{
    private static readonly Workload Async = WorkloadCatalog.Find("async")!;

    [Fact]
    public void BlocksResumedOnAnotherPoolThreadAreCountedAsRemoteFrees()
    {
        // On a busy machine one pool thread can keep up with every continuation of a short run; a longer run lets both
        // threads take some, which is all this needs.
        for (int requests = 3000; ; requests *= 4)
        {
            Ledger ledger = new();
            Dictionary<string, long> knobs = Async.ResolveKnobs(quick: true, new Dictionary<string, long> { ["flows"] = 8, ["requests"] = requests, ["blocks"] = 2 });
            WorkloadResult result = Async.Run(new LedgerAllocator(ledger), new WorkloadContext(2, SizeDistribution.Parse("uniform:16-256"), 5, knobs));
            Assert.Equal(2L * 8 * requests * 2, result.Operations);
            Assert.Equal(result.Operations, ledger.Mallocs);
            Assert.Equal(ledger.Mallocs, ledger.Frees);
            Assert.Equal(0, ledger.Live);
            Assert.Equal(ledger.RemoteFrees, result.Metrics["remote_frees"]);
            Assert.Equal((double)ledger.RemoteFrees / ledger.Frees, result.Metrics["remote_free_fraction"], 12);
            Assert.True(result.Metrics["pool_threads_used"] <= 2);
            if (result.Metrics["pool_threads_used"] == 2 || requests >= 200_000)
            {
                Assert.True(result.Metrics["remote_free_fraction"] > 0, $"no block was freed on another thread ({result.Metrics["pool_threads_used"]} pool threads ran the methods)");
                return;
            }
        }
    }

    [Fact]
    public void OnOneThreadEveryBlockIsFreedWhereItWasAllocated()
    {
        Ledger ledger = new();
        Dictionary<string, long> knobs = Async.ResolveKnobs(quick: true, new Dictionary<string, long> { ["flows"] = 4, ["requests"] = 500 });
        WorkloadResult result = Async.Run(new LedgerAllocator(ledger), new WorkloadContext(1, SizeDistribution.Parse("uniform:16-1024"), 5, knobs));
        Assert.Equal(1, result.Metrics["pool_threads_used"]);
        Assert.Equal(0, result.Metrics["remote_frees"]);
        Assert.Equal(0, ledger.RemoteFrees);
        Assert.Equal(ledger.Mallocs, ledger.Frees);
        Assert.Equal(4L * 500 * 4, result.Operations);
    }

    [Fact]
    public void ABlockChangedDuringTheAwaitFailsTheRun()
    {
        Ledger ledger = new() { AliasEvery = 3 };
        Dictionary<string, long> knobs = Async.ResolveKnobs(quick: true, new Dictionary<string, long> { ["flows"] = 4, ["requests"] = 200 });
        Exception? e = Record.Exception(() => Async.Run(new LedgerAllocator(ledger), new WorkloadContext(1, SizeDistribution.Parse("uniform:16-1024"), 5, knobs)));
        Assert.NotNull(e);
        Assert.Contains("changed while its request awaited", Runner.TrialHost.Describe(e), StringComparison.Ordinal);
    }
}
