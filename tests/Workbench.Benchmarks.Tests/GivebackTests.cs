using Workbench.Benchmarks.Allocators;
using Workbench.Benchmarks.Model;
using Workbench.Benchmarks.Workloads;

namespace Workbench.Benchmarks.Tests;

/// <summary>
/// The giveback benchmark measures what it says, in a trial process of its own: the RSS it reports is over the process's
/// baseline, the burst's peak holds the blocks kept live, and each allocator's own release call runs and gives back.
/// </summary>
public sealed class GivebackTests
{
    private const int Ops = 3000;
    private const int Slots = 100;
    private const long BlockBytes = 256 * 1024;

    [Theory]
    [InlineData("cfa")]
    [InlineData("glibc")]
    [InlineData("jemalloc")]
    [InlineData("mimalloc")]
    public void ThePeakHoldsTheLiveBlocks_AndTheReleaseCallGivesMostOfItBack(string allocator)
    {
        TrialResult result = Run(allocator);
        Assert.Equal(2L * Ops, result.Operations);
        // Two threads keep up to 100 blocks of 256 KiB each, every page written: at the peak nearly all slots are full.
        double peak = result.Metrics["peak_rss_kib"];
        Assert.True(peak >= 0.8 * 2 * Slots * BlockBytes / 1024, $"{allocator}: peak {peak} KiB over the baseline");
        // Everything is freed: after its release call each allocator keeps far less than the peak.
        double released = result.Metrics["released_rss_kib"];
        Assert.True(released < 0.25 * peak, $"{allocator}: {released} KiB kept after its release call, of a {peak} KiB peak");
        Assert.True(result.Metrics["freed_rss_kib"] <= peak + 1024);
        // The series: the burst's samples, then one at the end of the burst, the idle ones and the release's last.
        Assert.Equal(released, result.Series[^1].RssKib);
        Assert.True(result.Series.Zip(result.Series.Skip(1)).All(p => p.First.Seconds <= p.Second.Seconds));
    }

    [Fact]
    public void TheBumpFloorIsRefused_ItNeverFrees()
    {
        Workload workload = WorkloadCatalog.Find("giveback")!;
        string? why = workload.Obstacle(AllocatorCatalog.Find("bump")!, 2, workload.DefaultSizes);
        Assert.NotNull(why);
        Assert.Contains("never frees", why, StringComparison.Ordinal);
        Assert.Null(workload.Obstacle(AllocatorCatalog.Find("lifo")!, 2, workload.DefaultSizes));
    }

    [Fact]
    public void EveryAllocatorNamesItsReleaseCall()
    {
        Assert.Equal("MallocTrim(0)", default(CfaAllocator).ReleaseCall);
        Assert.Equal("malloc_trim(0)", NativeFunctions.Load(NativeLibrarySpec.Glibc).ReleaseCall);
        Assert.Equal("mi_collect(true)", NativeFunctions.Load(NativeLibrarySpec.Mimalloc).ReleaseCall);
        Assert.Equal("none", ((IAllocator)default(BumpAllocator)).ReleaseCall);
    }

    private static TrialResult Run(string allocator)
    {
        Dictionary<string, long> knobs = new() { ["ops"] = Ops, ["slots"] = Slots, ["idle_ms"] = 100, ["sample_ms"] = 20 };
        TrialResult result = TestRuns.Launcher().Run(TestRuns.Trial("giveback", allocator, 2, $"fixed:{BlockBytes}", knobs), TimeSpan.FromMinutes(2));
        Assert.True(result.Status == TrialStatus.Ok, result.Message);
        return result;
    }
}
