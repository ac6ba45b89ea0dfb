using Workbench.Benchmarks.Model;
using Workbench.Benchmarks.Results;
using Workbench.Benchmarks.Tests;

namespace Workbench.Cli.Tests;

/// <summary>cfa-aot from the command line: listed, and run beside cfa in one run, as docs/benchmarks.md shows.</summary>
public sealed class AheadOfTimeCliTests
{
    [Fact]
    public void ListShowsCfaAotAvailableOnceItsTrialHostIsBuilt()
    {
        _ = TrialHostBuild.Program;
        (int code, string output, string error) = RunExitCodeTests.Workbench("list");
        Assert.Equal(ExitCodes.Ok, code);
        Assert.Equal("", error);
        string row = output.Split('\n').Single(l => l.Contains(" cfa-aot ", StringComparison.Ordinal));
        Assert.Contains("ahead of time", row, StringComparison.Ordinal);
        Assert.Contains("available", row, StringComparison.Ordinal);
    }

    [Fact]
    public void CfaAndCfaAotRunSideBySideInOneRun()
    {
        _ = TrialHostBuild.Program;
        string folder = TestRuns.NewFolder("aot-cli");
        (int code, string output, string error) = RunExitCodeTests.Workbench("run", "churn", "-a", "cfa,cfa-aot", "--quick", "--threads", "1,2",
            "--set", "iterations=2000", "--sample-ms", "0", "--out", folder);
        Assert.True(code == ExitCodes.Ok, error);
        Assert.Contains("4 trials in this shard: 0 already done, 4 ok", output, StringComparison.Ordinal);
        List<ResultRow> rows = [.. ResultsFile.Read(Path.Combine(folder, "results.csv")).Rows];
        Assert.Equal(["cfa", "cfa", "cfa-aot", "cfa-aot"], rows.Select(r => r.Allocator).Order(StringComparer.Ordinal));
        Assert.All(rows, r => Assert.Equal(TrialStatus.Ok, r.Status));
        Assert.All(rows, r => Assert.Equal(2000 * r.Threads, r.Number("ops")));
    }
}
