using Workbench.Benchmarks.Allocators;
using Workbench.Benchmarks.Sizes;
using Workbench.Benchmarks.Workloads;

namespace Workbench.Benchmarks.Tests;

/// <summary>
/// Every benchmark that calls the allocator from this process runs briefly, in process, on the bump floor and on
/// glibc, and reports work done (a real program runs outside: ProgramTests).
/// </summary>
public sealed class WorkloadTests
{
    public static TheoryData<string, string> Cases()
    {
        TheoryData<string, string> data = [];
        foreach (Workload w in WorkloadCatalog.All.Where(w => !w.RunsOutside))
        {
            foreach (string allocator in new[] { "bump", "glibc" })
            {
                // A pairing the workload refuses (giveback on bump) is the refusal's test, not this one's.
                if (w.Obstacle(AllocatorCatalog.Find(allocator)!, 1, w.DefaultSizes) is null)
                {
                    data.Add(w.Name, allocator);
                }
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void RunsBrieflyAndCountsItsOperations(string benchmark, string allocator)
    {
        Workload workload = WorkloadCatalog.Find(benchmark)!;
        string sizes = benchmark == "malloc-large" ? "uniform:65536-262144" : workload.DefaultSizes;
        foreach (int threads in new[] { 1, 2 })
        {
            WorkloadContext context = new(threads, SizeDistribution.Parse(sizes), 11, TestRuns.TinyFor(workload));
            WorkloadResult result = workload.RunOn(AllocatorCatalog.Find(allocator)!, context);
            Assert.True(result.Operations > 0, $"{benchmark} on {allocator} did no operation");
            Assert.True(result.ElapsedSeconds > 0);
        }
    }

    [Fact]
    public void LatencyReportsOrderedPercentiles()
    {
        Workload workload = WorkloadCatalog.Find("latency")!;
        WorkloadContext context = new(1, SizeDistribution.Parse("uniform:16-256"), 3, workload.ResolveKnobs(true, new Dictionary<string, long> { ["iterations"] = 5000 }));
        WorkloadResult result = workload.RunOn(AllocatorCatalog.Find("glibc")!, context);
        foreach (string op in new[] { "malloc", "free" })
        {
            double[] values = [.. new[] { "p50", "p90", "p99", "p999", "max" }.Select(p => result.Metrics[$"{op}_{p}_ns"])];
            Assert.True(values[0] > 0);
            for (int i = 1; i < values.Length; i++)
            {
                Assert.True(values[i] >= values[i - 1], $"{op}: {string.Join(", ", values)}");
            }
            // Calls over 100 us: none at all when the maximum is below 100 us, at least one when it is above.
            double over = result.Metrics[$"{op}_over_100us"];
            Assert.True(result.Metrics[$"{op}_max_ns"] > 100_000 ? over >= 1 : over == 0, $"{op}: max {result.Metrics[$"{op}_max_ns"]} ns, {over} calls over 100 us");
            Assert.True(over <= 5000, $"{op}: {over} calls over 100 us out of 5000");
        }
        Assert.True(result.Metrics["idle_gaps_over_100us_per_s"] >= 0);
    }

    [Fact]
    public void MemorySamplesRequestedBytesThatReturnToZero()
    {
        Workload workload = WorkloadCatalog.Find("memory")!;
        WorkloadContext context = new(2, SizeDistribution.Parse("fixed:1000"), 3, TestRuns.TinyFor(workload));
        WorkloadResult result = workload.RunOn(AllocatorCatalog.Find("glibc")!, context);
        Assert.NotEmpty(result.Series);
        Assert.True(result.Series.Max(p => p.RequestedBytes) >= 64 * 1000);
        Assert.Equal(0, result.Series[^1].RequestedBytes);
        Assert.Equal(2 * 1 * 64 * 2, result.Operations);
    }

    [Fact]
    public void EveryKnobHasADocumentedDefaultAtLeastItsQuickValue()
    {
        foreach (Workload w in WorkloadCatalog.All)
        {
            Assert.False(string.IsNullOrWhiteSpace(w.Description));
            SizeDistribution.Parse(w.DefaultSizes);
            foreach (Knob k in w.Knobs)
            {
                Assert.False(string.IsNullOrWhiteSpace(k.Description));
                Assert.True(k.Default >= k.Quick, $"{w.Name}.{k.Name}");
                Assert.True(k.Quick >= k.Min, $"{w.Name}.{k.Name}");
            }
        }
    }
}
