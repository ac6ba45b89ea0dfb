using Workbench.Benchmarks.Model;
using Workbench.Benchmarks.Results;
using Workbench.Benchmarks.Tests;

namespace Workbench.Cli.Tests;

/// <summary><c>report</c> on a run whose shares ran on different CPU models says so in one line; on one model it says nothing.</summary>
public sealed class MixedHardwareTests
{
    private static TrialRecord Record(string allocator, int repetition, string node, string cpu) =>
        new(new TrialSpec { Benchmark = "churn", Allocator = allocator, Threads = 1, Sizes = "fixed:64", Repetition = repetition, Knobs = [] },
            new TrialResult { Status = TrialStatus.Ok, ElapsedSeconds = 1, Operations = 1000 + repetition },
            Isolated: true, FinishedUtc: "2026-01-01T00:00:00Z") { Node = node, CpuModel = cpu };

    private static string Report(string folder)
    {
        using StringWriter output = new();
        using StringWriter error = new();
        Assert.Equal(ExitCodes.Ok, CliApp.Run(["report", folder], output, error));
        return output.ToString();
    }

    [Fact]
    public void ARunOnTwoCpuModelsSaysSoInOneLine()
    {
        string folder = TestRuns.NewFolder("mixed");
        ResultsFile results = new(Path.Combine(folder, "results.csv"));
        foreach (string allocator in new[] { "glibc", "bump" })
        {
            results.Append(Record(allocator, 1, "n1", "Intel(R) Xeon(R) Gold 6130"));
            results.Append(Record(allocator, 2, "n2", "AMD EPYC 7662"));
            results.Append(Record(allocator, 3, "n3", "AMD EPYC 7662"));
        }
        string[] lines = [.. Report(folder).Split('\n').Where(l => l.StartsWith("mixed hardware", StringComparison.Ordinal))];
        Assert.Equal(
            "mixed hardware: the trials ran on 2 CPU models (AMD EPYC 7662: 4 trials on n2,n3; Intel(R) Xeon(R) Gold 6130: 2 trials on n1): ratios across CPU models do not pair; compare within one model (run each on one partition of like nodes)",
            Assert.Single(lines));
    }

    [Fact]
    public void ARunOnOneCpuModelOrWithoutTheColumnSaysNothing()
    {
        string folder = TestRuns.NewFolder("unmixed");
        ResultsFile results = new(Path.Combine(folder, "results.csv"));
        results.Append(Record("glibc", 1, "n1", "AMD EPYC 7662"));
        results.Append(Record("glibc", 2, "n2", "AMD EPYC 7662"));
        results.Append(Record("bump", 1, "", ""));
        Assert.DoesNotContain("mixed hardware", Report(folder), StringComparison.Ordinal);
    }
}
