using Workbench.Figures.Shaping;

namespace Workbench.Figures.Tests.Shaping;

/// <summary>The numbers of the relative-to-baseline figure: categories, ratios (paired or not), who appears, which rows count.</summary>
public sealed class RelativeToBaselineDataTests
{
    [Fact]
    public void CategoriesAreTheBaselinesConfigurationsNamedByWhatTellsThemApart()
    {
        ResultTable table = new();
        foreach ((string benchmark, int threads, string sizes) in new[]
        {
            ("churn", 1, "fixed:64"), ("threadtest", 1, "fixed:64"), ("threadtest", 2, "fixed:64"),
            ("larson", 1, "fixed:64"), ("larson", 1, "fixed:128"),
        })
        {
            table.Add(benchmark, "glibc", threads, 1, new() { ["ns_per_op"] = 10 }, sizes: sizes);
            table.Add(benchmark, "cfa", threads, 1, new() { ["ns_per_op"] = 5 }, sizes: sizes);
        }
        // The baseline did not run xmalloc-test: no category for it.
        table.Add("xmalloc-test", "cfa", 1, 1, new() { ["ns_per_op"] = 5 });

        RelativeToBaselineData data = RelativeToBaselineData.From(table.Run(), "glibc")!;

        Assert.Equal(["churn", "threadtest 1t", "threadtest 2t", "larson fixed:64", "larson fixed:128"], data.Categories);
        Assert.Equal(data.Categories, data.Series.Single().Points.Select(b => b.Label));
    }

    [Fact]
    public void RatiosArePairedByRepetitionWhereTheRepetitionsPairUp()
    {
        ResultTable table = new ResultTable()
            .Add("churn", "glibc", 1, 1, new() { ["ns_per_op"] = 20 })
            .Add("churn", "glibc", 1, 2, new() { ["ns_per_op"] = 24 })
            .Add("churn", "cfa", 1, 1, new() { ["ns_per_op"] = 10 })
            .Add("churn", "cfa", 1, 2, new() { ["ns_per_op"] = 12 })
            // jemalloc's repetition numbers repeat: nothing to pair, the ratio of the means.
            .Add("churn", "jemalloc", 1, 1, new() { ["ns_per_op"] = 15 })
            .Add("churn", "jemalloc", 1, 1, new() { ["ns_per_op"] = 18 });

        RelativeToBaselineData data = RelativeToBaselineData.From(table.Run(), "glibc")!;

        Assert.Equal(["cfa", "jemalloc"], data.Series.Select(s => s.Allocator));
        RatioBar cfa = data.Series[0].Points.Single();
        Assert.True(cfa.Ratio.Paired);
        Assert.Equal(0.5, cfa.Ratio.Ratio, 12);
        // Both pairs have the same ratio: an interval of no width.
        Assert.Equal(0.5, cfa.Ratio.RatioLow, 12);
        Assert.Equal(0.5, cfa.Ratio.RatioHigh, 12);
        RatioBar jemalloc = data.Series[1].Points.Single();
        Assert.False(jemalloc.Ratio.Paired);
        Assert.Equal((15.0 + 18) / 2 / ((20.0 + 24) / 2), jemalloc.Ratio.Ratio, 12);
    }

    [Fact]
    public void AnAllocatorWithoutACategoryHasNoBarThere()
    {
        ResultTable table = new ResultTable()
            .Add("churn", "glibc", 1, 1, new() { ["ns_per_op"] = 10 })
            .Add("larson", "glibc", 1, 1, new() { ["ns_per_op"] = 10 })
            .Add("churn", "cfa", 1, 1, new() { ["ns_per_op"] = 4 })
            .Add("churn", "jemalloc", 1, 1, new() { ["ns_per_op"] = 8 })
            .Add("larson", "jemalloc", 1, 1, new() { ["ns_per_op"] = 30 })
            .Add("larson", "cfa", 1, 1, new() { ["ns_per_op"] = 3 }, status: "failed");

        RelativeToBaselineData data = RelativeToBaselineData.From(table.Run(), "glibc")!;

        Assert.Equal(["churn", "larson"], data.Categories);
        Assert.Equal(["churn"], data.Series[0].Points.Select(b => b.Label));
        Assert.Equal(0.4, data.Series[0].Points[0].Ratio.Ratio, 12);
        Assert.Equal(["churn", "larson"], data.Series[1].Points.Select(b => b.Label));
        Assert.Equal([0.8, 3.0], data.Series[1].Points.Select(b => Math.Round(b.Ratio.Ratio, 12)));
    }

    [Fact]
    public void TheThreadCountAndTheMetricChooseTheRows()
    {
        ResultTable table = new();
        foreach (int threads in new[] { 1, 2 })
        {
            table.Add("threadtest", "glibc", threads, 1, new() { ["ns_per_op"] = 10 * threads, ["peak_rss_kib"] = 1000 });
            table.Add("threadtest", "cfa", threads, 1, new() { ["ns_per_op"] = 3 * threads, ["peak_rss_kib"] = 500 });
        }
        // No peak RSS here: this benchmark drops out of the RSS comparison.
        table.Add("churn", "glibc", 1, 1, new() { ["ns_per_op"] = 10 }).Add("churn", "cfa", 1, 1, new() { ["ns_per_op"] = 5 });

        RelativeToBaselineData atTwo = RelativeToBaselineData.From(table.Run(), "glibc", threads: 2)!;
        RelativeToBaselineData rss = RelativeToBaselineData.From(table.Run(), "glibc", metric: "peak_rss_kib")!;

        // At one thread count a benchmark's label needs no thread count.
        Assert.Equal(["threadtest"], atTwo.Categories);
        Assert.Equal(2, atTwo.Threads);
        Assert.Equal(0.3, atTwo.Series.Single().Points.Single().Ratio.Ratio, 12);
        Assert.Equal(["threadtest 1t", "threadtest 2t"], rss.Categories);
        Assert.Equal("peak_rss_kib", rss.Metric);
        Assert.All(rss.Series.Single().Points, b => Assert.Equal(0.5, b.Ratio.Ratio, 12));
    }

    [Fact]
    public void WithoutTheBaselineOrAnotherAllocatorThereIsNothing()
    {
        ResultTable table = new ResultTable().Add("churn", "glibc", 1, 1, new() { ["ns_per_op"] = 10 });

        Assert.Null(RelativeToBaselineData.From(table.Run(), "glibc"));
        Assert.Null(RelativeToBaselineData.From(table.Add("churn", "cfa", 1, 1, new() { ["ns_per_op"] = 5 }).Run(), "tcmalloc"));
        Assert.Null(RelativeToBaselineData.From(table.Run(), "glibc", threads: 4));
    }
}
