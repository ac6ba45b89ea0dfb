using Workbench.Figures.Shaping;

namespace Workbench.Figures.Tests.Shaping;

/// <summary>The numbers of the false-sharing figure: speed-up over one thread from elapsed times, its interval, who appears.</summary>
public sealed class FalseSharingSpeedupDataTests
{
    // The 97.5% quantile of Student's t with 4 degrees of freedom, from a table.
    private const double T4 = 2.7764451051977987;

    [Fact]
    public void SpeedupIsElapsedAtOneThreadOverElapsedAtPWithAWelchInterval()
    {
        ResultTable table = new();
        double[][] elapsed = [[2.0, 2.2, 1.8], [1.0, 1.1, 0.9], [0.5, 0.6, 0.4]];
        int[] threads = [1, 2, 4];
        for (int i = 0; i < threads.Length; i++)
        {
            for (int rep = 1; rep <= 3; rep++)
            {
                table.Add("cache-thrash", "cfa", threads[i], rep, new() { ["elapsed_s"] = elapsed[i][rep - 1] });
            }
        }
        // jemalloc did not run at 2 threads; glibc not at 1, so it has no speed-up at all.
        table.Add("cache-thrash", "jemalloc", 1, 1, new() { ["elapsed_s"] = 3 }).Add("cache-thrash", "jemalloc", 4, 1, new() { ["elapsed_s"] = 1.5 });
        table.Add("cache-thrash", "glibc", 2, 1, new() { ["elapsed_s"] = 1 });

        FalseSharingSpeedupData data = FalseSharingSpeedupData.From(table.Run())!;

        Assert.Equal([1, 2, 4], data.Threads);
        Assert.Equal(["cfa", "glibc", "jemalloc"], data.Allocators);
        Assert.Equal(["cfa", "jemalloc"], data.Series.Select(s => s.Allocator));
        SpeedupPoint[] cfa = [.. data.Series[0].Points];
        Assert.Equal([1, 2, 4], cfa.Select(p => p.Threads));
        // At one thread: 1 by definition.
        Assert.Equal((1.0, 1.0, 1.0), (cfa[0].Speedup.Ratio, cfa[0].Speedup.RatioLow, cfa[0].Speedup.RatioHigh));
        Assert.Equal(2, cfa[1].Speedup.Ratio, 12);
        Assert.Equal(4, cfa[2].Speedup.Ratio, 12);
        // Delta method on log(mean(1) / mean(2)): variances 0.04 and 0.01 over 3 repetitions give equal relative
        // variances of the means, 1/300 each, hence Welch-Satterthwaite's 4 degrees of freedom.
        double seLog = Math.Sqrt(0.04 / 3 / (2.0 * 2.0) + 0.01 / 3 / (1.0 * 1.0));
        Assert.Equal(2 * Math.Exp(-T4 * seLog), cfa[1].Speedup.RatioLow, 9);
        Assert.Equal(2 * Math.Exp(T4 * seLog), cfa[1].Speedup.RatioHigh, 9);
        Assert.Equal([1, 4], data.Series[1].Points.Select(p => p.Threads));
        Assert.Equal(2, data.Series[1].Points[1].Speedup.Ratio, 12);
    }

    [Fact]
    public void WithoutTrialsAtOneThreadAndAtMoreThereIsNothing()
    {
        Assert.Null(FalseSharingSpeedupData.From(new ResultTable().Run()));
        Assert.Null(FalseSharingSpeedupData.From(new ResultTable()
            .Add("cache-thrash", "cfa", 1, 1, new() { ["elapsed_s"] = 1 }).Run()));
        Assert.Null(FalseSharingSpeedupData.From(new ResultTable()
            .Add("cache-thrash", "cfa", 2, 1, new() { ["elapsed_s"] = 1 })
            .Add("cache-thrash", "cfa", 4, 1, new() { ["elapsed_s"] = 1 }).Run()));
        Assert.Null(FalseSharingSpeedupData.From(new ResultTable()
            .Add("cache-thrash", "cfa", 1, 1, [])
            .Add("cache-thrash", "cfa", 2, 1, new() { ["elapsed_s"] = 1 }).Run()));
    }
}
