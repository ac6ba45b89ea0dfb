using Workbench.Figures.Shaping;

namespace Workbench.Figures.Tests.Shaping;

/// <summary>The numbers of the versus-best-peer figure: which peer is best, the paired ratio and its interval, the labels.</summary>
public sealed class VersusBestPeerDataTests
{
    // The 97.5% quantile of Student's t with 2 degrees of freedom, from a table.
    private const double T2 = 4.302652729911275;

    [Fact]
    public void EachBarIsThePairedRatioToTheNativePeerWithTheLowestMedian()
    {
        ResultTable table = new();
        double[] cfa = [10, 18, 25];
        double[] jemalloc = [20, 30, 50];
        for (int rep = 1; rep <= 3; rep++)
        {
            table.Add("churn", "cfa", 1, rep, new() { ["ns_per_op"] = cfa[rep - 1] });
            table.Add("churn", "jemalloc", 1, rep, new() { ["ns_per_op"] = jemalloc[rep - 1] });
            table.Add("churn", "glibc", 1, rep, new() { ["ns_per_op"] = 40 });
            // The floor is faster still, but it is no native peer.
            table.Add("churn", "bump", 1, rep, new() { ["ns_per_op"] = 1 });
        }
        // At 2 threads glibc has the lowest median (11 against 20).
        table.Add("churn", "cfa", 2, 1, new() { ["ns_per_op"] = 5 }).Add("churn", "cfa", 2, 2, new() { ["ns_per_op"] = 5 })
            .Add("churn", "glibc", 2, 1, new() { ["ns_per_op"] = 10 }).Add("churn", "glibc", 2, 2, new() { ["ns_per_op"] = 12 })
            .Add("churn", "jemalloc", 2, 1, new() { ["ns_per_op"] = 20 }).Add("churn", "jemalloc", 2, 2, new() { ["ns_per_op"] = 20 });

        VersusBestPeerData data = VersusBestPeerData.From(table.Run(), "cfa")!;

        Assert.Equal("cfa", data.Subject);
        Assert.Equal(["churn 1t (jemalloc)", "churn 2t (glibc)"], data.Bars.Select(b => b.Label));
        // Per-repetition ratios 0.5, 0.6, 0.5: their geometric mean, and a t interval on their logs.
        double[] logs = [Math.Log(0.5), Math.Log(0.6), Math.Log(0.5)];
        double mean = logs.Average();
        double sd = Math.Sqrt(logs.Sum(l => (l - mean) * (l - mean)) / 2);
        double half = T2 * sd / Math.Sqrt(3);
        Assert.True(data.Bars[0].Ratio.Paired);
        Assert.Equal(Math.Exp(mean), data.Bars[0].Ratio.Ratio, 9);
        Assert.Equal(Math.Exp(mean - half), data.Bars[0].Ratio.RatioLow, 9);
        Assert.Equal(Math.Exp(mean + half), data.Bars[0].Ratio.RatioHigh, 9);
        Assert.Equal(Math.Sqrt(5.0 / 10 * 5 / 12), data.Bars[1].Ratio.Ratio, 9);
    }

    [Fact]
    public void LabelsKeepTheSizesWhenABenchmarkRanSeveral()
    {
        ResultTable table = new();
        foreach ((string benchmark, string sizes) in new[] { ("churn", "fixed:64"), ("churn", "fixed:128"), ("larson", "fixed:64") })
        {
            table.Add(benchmark, "cfa", 1, 1, new() { ["ns_per_op"] = 10 }, sizes: sizes);
            table.Add(benchmark, "glibc", 1, 1, new() { ["ns_per_op"] = 20 }, sizes: sizes);
        }

        VersusBestPeerData data = VersusBestPeerData.From(table.Run(), "cfa")!;

        Assert.Equal(["churn 1t fixed:64 (glibc)", "churn 1t fixed:128 (glibc)", "larson 1t fixed:64 (glibc)"], data.Bars.Select(b => b.Label));
        // One repetition each: the ratio of the two values, with no interval.
        Assert.All(data.Bars, b => Assert.Equal(0.5, b.Ratio.Ratio, 9));
        Assert.All(data.Bars, b => Assert.True(double.IsNaN(b.Ratio.RatioLow)));
    }

    [Fact]
    public void WithoutTheSubjectOrANativePeerThereIsNothing()
    {
        ResultTable table = new ResultTable()
            .Add("churn", "cfa", 1, 1, new() { ["ns_per_op"] = 10 })
            .Add("churn", "bump", 1, 1, new() { ["ns_per_op"] = 1 });

        Assert.Null(VersusBestPeerData.From(table.Run(), "cfa"));
        Assert.Null(VersusBestPeerData.From(table.Add("churn", "glibc", 1, 1, new() { ["ns_per_op"] = 20 }).Run(), "tcmalloc"));
        Assert.NotNull(VersusBestPeerData.From(table.Run(), "cfa"));
    }
}
