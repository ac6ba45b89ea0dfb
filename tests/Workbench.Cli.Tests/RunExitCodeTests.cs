using System.Diagnostics;
using Workbench.Benchmarks.Model;
using Workbench.Benchmarks.Results;
using Workbench.Benchmarks.Tests;

namespace Workbench.Cli.Tests;

/// <summary>
/// How a sweep ends when trials fail: the real <c>workbench</c> program, each trial in its own process (the hidden
/// <c>crash</c> allocator kills its trial process on its first malloc), its exit code and its one line about failures.
/// </summary>
public sealed class RunExitCodeTests
{
    /// <summary>Runs the workbench program built next to the tests in a process of its own, as a user would.</summary>
    internal static (int Code, string Out, string Err) Workbench(params string[] args)
    {
        string dll = Path.Combine(AppContext.BaseDirectory, "workbench.dll");
        string dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";
        ProcessStartInfo start = new(dotnet) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(dll);
        foreach (string argument in args)
        {
            start.ArgumentList.Add(argument);
        }
        using Process process = Process.Start(start)!;
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        Task<string> error = process.StandardError.ReadToEndAsync();
        Assert.True(process.WaitForExit(TimeSpan.FromSeconds(60)), "workbench did not end within 60 s");
        return (process.ExitCode, output.Result, error.Result);
    }

    [Fact]
    public void ARunWithAFailedTrialExitsNonZeroAndSaysHowMany_AndRetryFailedRunsItAgain()
    {
        string folder = TestRuns.NewFolder("failed");
        string[] run = ["run", "churn", "--allocators", "crash,bump", "--quick", "--threads", "1", "--set", "iterations=50", "--sample-ms", "0", "--out", folder];
        (int code, _, string error) = Workbench(run);
        Assert.Equal(ExitCodes.Failure, code);
        Assert.Contains("workbench: 1 of 2 trials failed (1 failed now, 0 timed out now, 0 kept from before", error, StringComparison.Ordinal);
        Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries), l => l.Contains("trials failed", StringComparison.Ordinal));

        // Resumed: the failed trial counts as done, and still fails the run.
        (code, _, error) = Workbench(run);
        Assert.Equal(ExitCodes.Failure, code);
        Assert.Contains("1 of 2 trials failed (0 failed now, 0 timed out now, 1 kept from before: --retry-failed runs them again)", error, StringComparison.Ordinal);
        string finishedBefore = ResultsFile.Read(Path.Combine(folder, "results.csv")).Rows.Single(r => r.Allocator == "crash").Text("finished_utc");

        // --retry-failed runs it again; its new row takes the old one's place (one row per trial).
        Thread.Sleep(1100);
        (code, string output, error) = Workbench([.. run, "--retry-failed"]);
        Assert.Equal(ExitCodes.Failure, code);
        Assert.Contains("2 trials in this shard: 1 already done, 0 ok, 1 failed", output, StringComparison.Ordinal);
        Assert.Contains("1 of 2 trials failed (1 failed now, 0 timed out now, 0 kept from before", error, StringComparison.Ordinal);
        ResultsFile results = ResultsFile.Read(Path.Combine(folder, "results.csv"));
        Assert.Equal(2, results.Rows.Count);
        ResultRow crashed = results.Rows.Single(r => r.Allocator == "crash");
        Assert.Equal(TrialStatus.Failed, crashed.Status);
        Assert.NotEqual(finishedBefore, crashed.Text("finished_utc"));
    }

    [Fact]
    public void ARunWhoseTrialsAreAllOkExitsZero()
    {
        string folder = TestRuns.NewFolder("allok");
        (int code, string output, string error) = Workbench("run", "churn", "--allocators", "bump", "--quick", "--threads", "1", "--set", "iterations=50", "--sample-ms", "0", "--out", folder);
        Assert.True(code == ExitCodes.Ok, error);
        Assert.Contains("1 ok, 0 failed", output, StringComparison.Ordinal);
        Assert.DoesNotContain("trials failed", error, StringComparison.Ordinal);
    }
}
