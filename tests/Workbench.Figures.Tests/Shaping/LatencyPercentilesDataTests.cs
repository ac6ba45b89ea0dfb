using Workbench.Figures.Shaping;

namespace Workbench.Figures.Tests.Shaping;

/// <summary>The numbers of the latency-percentiles figure: medians and ranges over repetitions, the recorded percentiles only.</summary>
public sealed class LatencyPercentilesDataTests
{
    [Fact]
    public void EachRecordedPercentileIsTheMedianOfTheRepetitionsWithTheirRange()
    {
        ResultTable table = new();
        double[] p50 = [40, 42, 47];
        double[] p99 = [200, 260, 210];
        double[] max = [9000, 8000, 12000];
        for (int rep = 1; rep <= 3; rep++)
        {
            // No p90 or p99.9 recorded: those percentiles are left out.
            table.Add("latency", "cfa", 1, rep, new() { ["malloc_p50_ns"] = p50[rep - 1], ["malloc_p99_ns"] = p99[rep - 1], ["malloc_max_ns"] = max[rep - 1] });
        }
        table.Add("latency", "glibc", 2, 1, new() { ["malloc_p50_ns"] = 55 });

        LatencyPercentilesData data = LatencyPercentilesData.From(table.Run(), "malloc")!;

        // The fewest threads unless told: glibc ran at 2 only.
        Assert.Equal(1, data.Threads);
        AllocatorSeries<MedianRange> cfa = data.Series.Single();
        Assert.Equal("cfa", cfa.Allocator);
        Assert.Equal([new MedianRange("p50", 42, 40, 47), new MedianRange("p99", 210, 200, 260), new MedianRange("max", 9000, 8000, 12000)], cfa.Points);

        LatencyPercentilesData atTwo = LatencyPercentilesData.From(table.Run(), "malloc", threads: 2)!;
        Assert.Equal(2, atTwo.Threads);
        Assert.Equal([new MedianRange("p50", 55, 55, 55)], atTwo.Series.Single().Points);
    }

    [Fact]
    public void AnOperationNobodyRecordedGivesNull()
    {
        ResultTable table = new ResultTable().Add("latency", "cfa", 1, 1, new() { ["malloc_p50_ns"] = 40 });

        Assert.Null(LatencyPercentilesData.From(table.Run(), "free"));
        Assert.Null(LatencyPercentilesData.From(new ResultTable().Add("churn", "cfa", 1, 1, new() { ["malloc_p50_ns"] = 40 }).Run()));
    }
}
