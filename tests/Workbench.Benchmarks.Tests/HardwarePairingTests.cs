using Workbench.Benchmarks.Analysis;
using Workbench.Benchmarks.Results;

namespace Workbench.Benchmarks.Tests;

/// <summary>Repetitions pair only within one CPU model: a run merged from nodes of different models compares unpaired where they differ.</summary>
public sealed class HardwarePairingTests
{
    private static ResultRow Row(string allocator, int repetition, double ns, string cpu) => new(
        new Dictionary<string, string>
        {
            ["benchmark"] = "churn", ["allocator"] = allocator, ["threads"] = "1", ["sizes"] = "fixed:64",
            ["repetition"] = repetition.ToString(System.Globalization.CultureInfo.InvariantCulture), ["status"] = "ok",
            ["ns_per_op"] = ns.ToString(System.Globalization.CultureInfo.InvariantCulture), ["cpu_model"] = cpu,
        }, []);

    [Fact]
    public void RepetitionsOnOneModelPair()
    {
        Comparison? c = SummaryBuilder.Compare([Row("cfa", 1, 2.2, "A"), Row("cfa", 2, 2.4, "B")], [Row("glibc", 1, 2.0, "A"), Row("glibc", 2, 2.0, "B")], "ns_per_op");
        Assert.True(c!.Paired);
    }

    [Fact]
    public void RepetitionsOnDifferentModelsDoNotPair()
    {
        // Repetition 2 of cfa ran on model B, glibc's on model A: one pair is left, too few, so the comparison is unpaired.
        Comparison? c = SummaryBuilder.Compare([Row("cfa", 1, 2.2, "A"), Row("cfa", 2, 2.4, "B")], [Row("glibc", 1, 2.0, "A"), Row("glibc", 2, 2.0, "A")], "ns_per_op");
        Assert.False(c!.Paired);
    }
}
