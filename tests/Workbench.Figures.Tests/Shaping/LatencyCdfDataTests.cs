using Workbench.Figures.Shaping;

namespace Workbench.Figures.Tests.Shaping;

/// <summary>The numbers of the latency tail figure: each median percentile at the fraction of calls above it, the maximum at one call.</summary>
public sealed class LatencyCdfDataTests
{
    [Fact]
    public void PercentilesSitAtTheFractionSlowerAndTheMaximumAtOneCall()
    {
        ResultTable table = new();
        double[] ops = [1000, 4000, 2000];
        for (int rep = 1; rep <= 3; rep++)
        {
            table.Add("latency", "cfa", 1, rep, new()
            {
                ["free_p50_ns"] = 40 + rep, ["free_p90_ns"] = 60 + rep, ["free_p99_ns"] = 200 + rep,
                ["free_p999_ns"] = 1500 + rep, ["free_max_ns"] = 9000 + rep, ["ops"] = ops[rep - 1],
            });
        }
        // glibc counted no operations: no point for its maximum.
        table.Add("latency", "glibc", 1, 1, new() { ["free_p50_ns"] = 30, ["free_max_ns"] = 5000 });

        LatencyCdfData data = LatencyCdfData.From(table.Run(), "free")!;

        Assert.Equal(["cfa", "glibc"], data.Series.Select(s => s.Allocator));
        TailPoint[] cfa = [.. data.Series[0].Points];
        Assert.Equal([42.0, 62, 202, 1502, 9002], cfa.Select(p => p.LatencyNs));
        double[] expected = [0.5, 0.1, 0.01, 0.001, 1 / 2000.0];
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i], cfa[i].FractionSlower, 12);
        }
        Assert.Equal([new TailPoint(30, 0.5)], data.Series[1].Points);
        Assert.Null(LatencyCdfData.From(table.Run(), "malloc"));
    }
}
