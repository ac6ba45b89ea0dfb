using Workbench.Figures.Shaping;

namespace Workbench.Figures.Tests.Shaping;

/// <summary>The numbers of the size x threads heatmap: the mean per cell, or its ratio to a baseline, NaN where data is missing.</summary>
public sealed class SizeThreadsHeatmapDataTests
{
    private static ResultTable Table() => new ResultTable()
        .Add("churn", "cfa", 1, 1, new() { ["ns_per_op"] = 10 }, sizes: "fixed:64")
        .Add("churn", "cfa", 1, 2, new() { ["ns_per_op"] = 14 }, sizes: "fixed:64")
        .Add("churn", "cfa", 2, 1, new() { ["ns_per_op"] = 8 }, sizes: "fixed:64")
        .Add("churn", "cfa", 1, 1, new() { ["ns_per_op"] = 20 }, sizes: "uniform:16-1024")
        .Add("churn", "glibc", 1, 1, new() { ["ns_per_op"] = 24 }, sizes: "fixed:64")
        .Add("churn", "glibc", 2, 1, new() { ["ns_per_op"] = 15 }, sizes: "fixed:64")
        .Add("churn", "glibc", 2, 2, new() { ["ns_per_op"] = 17 }, sizes: "fixed:64")
        .Add("churn", "glibc", 2, 1, new() { ["ns_per_op"] = 30 }, sizes: "uniform:16-1024");

    [Fact]
    public void EachCellIsTheMeanTimeOrNaNWhereTheAllocatorHasNone()
    {
        SizeThreadsHeatmapData data = SizeThreadsHeatmapData.From(Table().Run(), "churn", "cfa")!;

        Assert.False(data.Relative);
        Assert.Null(data.Baseline);
        Assert.Equal(["fixed:64", "uniform:16-1024"], data.Sizes);
        Assert.Equal([1, 2], data.Threads);
        Assert.Equal([12.0, 8], data.Values[0]);
        Assert.Equal(20, data.Values[1][0]);
        Assert.True(double.IsNaN(data.Values[1][1]));
    }

    [Fact]
    public void WithABaselineEachCellIsTheRatioOfTheMeans()
    {
        SizeThreadsHeatmapData data = SizeThreadsHeatmapData.From(Table().Run(), "churn", "cfa", "glibc")!;

        Assert.True(data.Relative);
        Assert.Equal("glibc", data.Baseline);
        Assert.Equal(12.0 / 24, data.Values[0][0], 12);
        Assert.Equal(8.0 / 16, data.Values[0][1], 12);
        // glibc has no time at (uniform, 1 thread), cfa none at (uniform, 2 threads).
        Assert.True(double.IsNaN(data.Values[1][0]));
        Assert.True(double.IsNaN(data.Values[1][1]));
    }

    [Fact]
    public void ABaselineThatIsTheAllocatorOrDidNotRunGivesTimes()
    {
        Assert.False(SizeThreadsHeatmapData.From(Table().Run(), "churn", "cfa", "cfa")!.Relative);
        SizeThreadsHeatmapData absent = SizeThreadsHeatmapData.From(Table().Run(), "churn", "cfa", "tcmalloc")!;
        Assert.False(absent.Relative);
        Assert.Equal(12, absent.Values[0][0], 12);
    }

    [Fact]
    public void AnAllocatorThatDidNotRunOrASingleCellGivesNull()
    {
        Assert.Null(SizeThreadsHeatmapData.From(Table().Run(), "churn", "jemalloc"));
        Assert.Null(SizeThreadsHeatmapData.From(Table().Run(), "larson", "cfa"));
        Assert.Null(SizeThreadsHeatmapData.From(new ResultTable().Add("churn", "cfa", 1, 1, new() { ["ns_per_op"] = 10 }).Run(), "churn", "cfa"));
    }
}
