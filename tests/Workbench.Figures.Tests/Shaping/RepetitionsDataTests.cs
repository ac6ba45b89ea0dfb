using Workbench.Figures.Shaping;

namespace Workbench.Figures.Tests.Shaping;

/// <summary>The numbers of the repetitions figure: every repetition's time, by thread count, of the first configuration.</summary>
public sealed class RepetitionsDataTests
{
    [Fact]
    public void EveryRepetitionOfTheFirstConfigurationInThreadOrder()
    {
        ResultTable table = new ResultTable()
            .Add("churn", "glibc", 1, 1, new() { ["ns_per_op"] = 20 })
            .Add("churn", "cfa", 2, 1, new() { ["ns_per_op"] = 6 })
            .Add("churn", "cfa", 1, 1, new() { ["ns_per_op"] = 10 })
            .Add("churn", "cfa", 1, 2, new() { ["ns_per_op"] = 12 })
            .Add("churn", "cfa", 2, 2, new() { ["ns_per_op"] = 7 })
            .Add("churn", "cfa", 1, 3, [])
            .Add("churn", "cfa", 1, 4, new() { ["ns_per_op"] = 99 }, sizes: "fixed:128");

        RepetitionsData data = RepetitionsData.From(table.Run(), "churn")!;

        Assert.Equal("fixed:64", data.Configuration);
        Assert.Equal(["cfa", "glibc"], data.Series.Select(s => s.Allocator));
        Assert.Equal([new RepetitionTime(1, 10), new RepetitionTime(1, 12), new RepetitionTime(2, 6), new RepetitionTime(2, 7)], data.Series[0].Points);
        Assert.Equal([new RepetitionTime(1, 20)], data.Series[1].Points);
    }

    [Fact]
    public void OnlyARunWithoutTheBenchmarkGivesNull()
    {
        ResultTable table = new ResultTable().Add("churn", "cfa", 1, 1, []);

        Assert.Null(RepetitionsData.From(table.Run(), "larson"));
        Assert.Empty(RepetitionsData.From(table.Run(), "churn")!.Series);
    }
}
