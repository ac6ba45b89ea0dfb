using Workbench.Figures.Shaping;

namespace Workbench.Figures.Tests.Shaping;

/// <summary>The numbers of the thread-scaling figure: means, Student t intervals, order of allocators, missing data.</summary>
public sealed class ThreadScalingDataTests
{
    // The 97.5% quantile of Student's t with 2 degrees of freedom (three repetitions), from a table.
    private const double T2 = 4.302652729911275;

    [Fact]
    public void TimeIsTheMeanOfTheRepetitionsWithAStudentTInterval()
    {
        ResultTable table = new();
        double[] oneThread = [10, 12, 14];
        double[] twoThreads = [6, 6.5, 7];
        for (int rep = 1; rep <= 3; rep++)
        {
            table.Add("churn", "cfa", 1, rep, new() { ["ns_per_op"] = oneThread[rep - 1] });
            table.Add("churn", "cfa", 2, rep, new() { ["ns_per_op"] = twoThreads[rep - 1] });
        }

        ThreadScalingData data = ThreadScalingData.From(table.Run(), "churn", Measure.Time)!;

        ThreadScalingPoint[] points = [.. data.Series.Single().Points];
        Assert.Equal([1, 2], points.Select(p => p.Threads));
        // Means 12 and 6.5; sample standard deviations 2 and 0.5; half widths t * sd / sqrt(3).
        Assert.Equal(12, points[0].Summary.Mean, 9);
        Assert.Equal(12 - T2 * 2 / Math.Sqrt(3), points[0].Summary.CiLow, 9);
        Assert.Equal(12 + T2 * 2 / Math.Sqrt(3), points[0].Summary.CiHigh, 9);
        Assert.Equal(6.5, points[1].Summary.Mean, 9);
        Assert.Equal(6.5 + T2 * 0.5 / Math.Sqrt(3), points[1].Summary.CiHigh, 9);
        Assert.Equal(Measure.Time, data.Measure);
    }

    [Fact]
    public void ThroughputIsInMillionsOfOperationsPerSecond()
    {
        ResultTable table = new ResultTable()
            .Add("churn", "glibc", 1, 1, new() { ["ops_per_s"] = 2e6 })
            .Add("churn", "glibc", 1, 2, new() { ["ops_per_s"] = 4e6 });

        ThreadScalingData data = ThreadScalingData.From(table.Run(), "churn")!;

        Assert.Equal(3, data.Series.Single().Points.Single().Summary.Mean, 9);
        // The time measure reads ns_per_op, which these rows lack.
        Assert.Null(ThreadScalingData.From(table.Run(), "churn", Measure.Time));
    }

    [Fact]
    public void AllocatorsComeInCatalogueOrderThenUnknownOnesAlphabetically()
    {
        ResultTable table = new();
        foreach (string allocator in new[] { "zeta", "jemalloc", "glibc", "alpha", "cfa" })
        {
            table.Add("churn", allocator, 1, 1, new() { ["ns_per_op"] = 5 });
        }
        // tcmalloc ran but recorded no time: it takes a place but draws nothing.
        table.Add("churn", "tcmalloc", 1, 1, []);

        ThreadScalingData data = ThreadScalingData.From(table.Run(), "churn", Measure.Time)!;

        Assert.Equal(["cfa", "glibc", "jemalloc", "alpha", "zeta"], data.Series.Select(s => s.Allocator));
        Assert.Equal(["cfa", "glibc", "jemalloc", "tcmalloc", "alpha", "zeta"], data.Allocators);
    }

    [Fact]
    public void AMissingValueDropsOnlyItsPointAndFailedTrialsAreLeftOut()
    {
        ResultTable table = new ResultTable()
            .Add("churn", "cfa", 1, 1, new() { ["ns_per_op"] = 10 })
            .Add("churn", "cfa", 2, 1, [])
            .Add("churn", "cfa", 8, 1, new() { ["ns_per_op"] = 1 }, status: "failed")
            .Add("churn", "glibc", 1, 1, new() { ["ns_per_op"] = 20 })
            .Add("churn", "glibc", 2, 1, new() { ["ns_per_op"] = 12 })
            .Add("churn", "glibc", 4, 1, new() { ["ns_per_op"] = 8 });

        ThreadScalingData data = ThreadScalingData.From(table.Run(), "churn", Measure.Time)!;

        Assert.Equal([1, 2, 4], data.Threads);
        Assert.Equal([1], data.Series[0].Points.Select(p => p.Threads));
        Assert.Equal(10, data.Series[0].Points[0].Summary.Mean);
        Assert.Equal([1, 2, 4], data.Series[1].Points.Select(p => p.Threads));
        Assert.Equal([20.0, 12, 8], data.Series[1].Points.Select(p => p.Summary.Mean));
    }

    [Fact]
    public void OneConfigurationIsShown_TheFirstUnlessAnotherIsNamed()
    {
        ResultTable table = new ResultTable()
            .Add("churn", "cfa", 1, 1, new() { ["ns_per_op"] = 10 }, sizes: "fixed:64")
            .Add("churn", "cfa", 1, 1, new() { ["ns_per_op"] = 30 }, sizes: "fixed:128")
            .Add("churn", "cfa", 2, 1, new() { ["ns_per_op"] = 40 }, sizes: "fixed:128");

        ThreadScalingData first = ThreadScalingData.From(table.Run(), "churn", Measure.Time)!;
        ThreadScalingData named = ThreadScalingData.From(table.Run(), "churn", Measure.Time, "fixed:128")!;

        Assert.Equal("fixed:64", first.Configuration);
        Assert.Equal([1], first.Threads);
        Assert.Equal(10, first.Series.Single().Points.Single().Summary.Mean);
        Assert.Equal("fixed:128", named.Configuration);
        Assert.Equal([30.0, 40], named.Series.Single().Points.Select(p => p.Summary.Mean));
    }

    [Fact]
    public void NothingToDrawGivesNull()
    {
        ResultTable table = new ResultTable().Add("churn", "cfa", 1, 1, new() { ["ns_per_op"] = 10 });

        Assert.Null(ThreadScalingData.From(table.Run(), "larson", Measure.Time));
        Assert.Null(ThreadScalingData.From(table.Run(), "churn", Measure.Time, "uniform:1-2"));
        Assert.Null(ThreadScalingData.From(new ResultTable().Add("churn", "cfa", 1, 1, []).Run(), "churn", Measure.Time));
    }
}
