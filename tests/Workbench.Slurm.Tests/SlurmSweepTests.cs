using System.Diagnostics;
using Workbench.Benchmarks.Model;
using Workbench.Benchmarks.Results;
using Workbench.Cli;
using Workbench.Cli.Slurm;

namespace Workbench.Slurm.Tests;

/// <summary>
/// <c>workbench sweep --slurm</c> and <c>workbench status</c> against the real one-node cluster of
/// <see cref="SlurmCluster"/> (no imitation of Slurm): a sweep as a 2-task array merges to the rows of a local run; a
/// cancelled task, resubmitted, loses and duplicates nothing; a drained node is reported.
/// </summary>
[Collection("slurm")]
public sealed class SlurmSweepTests(SlurmCluster cluster)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private static (int Code, string Out, string Err) Cli(params string[] args)
    {
        using StringWriter output = new();
        using StringWriter error = new();
        int code = CliApp.Run(args, output, error);
        return (code, output.ToString(), error.ToString());
    }

    /// <summary>A tiny experiment: churn on glibc and bump, one thread, quick, <paramref name="repetitions"/> each.</summary>
    private static string Experiment(string folder, string name, int repetitions, int iterations)
    {
        string path = Path.Combine(folder, name + ".yaml");
        File.WriteAllText(path, $"name: {name}\nbenchmarks: [churn]\nallocators: [glibc, bump]\nthreads: [1]\nrepetitions: {repetitions}\nquick: true\nknobs:\n  iterations: [{iterations}]\n");
        return path;
    }

    private static string NewFolder(string prefix)
    {
        string path = Path.Combine(Path.GetTempPath(), $"wb-{prefix}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(path);
        return path;
    }

    private static void WaitUntil(Func<bool> done, string what)
    {
        Stopwatch clock = Stopwatch.StartNew();
        while (!done())
        {
            Assert.True(clock.Elapsed < Patience, $"not within {Patience.TotalSeconds} s: {what}");
            Thread.Sleep(100);
        }
    }

    /// <summary>Waits until no job of the run is queued or running.</summary>
    private static void WaitForRun(string run)
    {
        WaitUntil(() =>
        {
            SlurmRun record = SlurmRun.Load(run);
            return !SlurmQueue.Jobs([.. record.Submissions.Select(s => s.ArrayJob), record.Latest.MergeJob]).Any(e => e.Active);
        }, $"the jobs of {run} to end (logs in {run}/slurm/logs)");
    }

    private static string ArrayJobOf(string output) =>
        System.Text.RegularExpressions.Regex.Match(output, @"array job (\d+)").Groups[1].Value;

    [SkippableFact]
    public void ASweepAsATwoTaskArrayMergesToTheRowsOfALocalRun()
    {
        Skip.If(cluster.Unavailable is not null, cluster.Unavailable);
        string folder = NewFolder("slurm-sweep");
        string experiment = Experiment(folder, "tiny", repetitions: 2, iterations: 50);
        string run = Path.Combine(folder, "cluster");
        (int code, string output, string error) = Cli("sweep", experiment, "--slurm", "--tasks", "2", "--out", run);
        Assert.True(code == ExitCodes.Ok, error);
        Assert.Matches(@"array job \d+ \(tasks 1-2\), merge job \d+ after it", output);
        Assert.Contains($"progress: workbench status {run}", output, StringComparison.Ordinal);
        WaitForRun(run);

        (code, _, error) = Cli("sweep", experiment, "--in-process", "--out", Path.Combine(folder, "local"));
        Assert.True(code == ExitCodes.Ok, error);
        ResultsFile merged = ResultsFile.Read(Path.Combine(run, "results.csv"));
        ResultsFile local = ResultsFile.Read(Path.Combine(folder, "local", "results.csv"));
        Assert.Equal(4, merged.Rows.Count);
        Assert.Equal(local.Rows.Select(r => (r.Key, r.Status)).Order(), merged.Rows.Select(r => (r.Key, r.Status)).Order());
        Assert.All(merged.Rows, r => Assert.Equal(cluster.Node, r.Text("node")));
        Assert.All(merged.Rows, r => Assert.NotEqual("", r.Text("cpu_model")));

        (code, output, error) = Cli("status", run);
        Assert.True(code == ExitCodes.Ok, error);
        Assert.Contains("4 trials in 2 tasks: 4 done, 0 left", output, StringComparison.Ordinal);
        Assert.Contains("merged: ", output, StringComparison.Ordinal);
    }

    [SkippableFact]
    public void ACancelledTaskResubmittedLosesAndDuplicatesNothing()
    {
        Skip.If(cluster.Unavailable is not null, cluster.Unavailable);
        string folder = NewFolder("slurm-cancel");
        // 4 trials per task, each a process of its own (some 0.2 s): time to cancel task 1 after its first row.
        string experiment = Experiment(folder, "cancel", repetitions: 4, iterations: 20000);
        string run = Path.Combine(folder, "cluster");
        (int code, string output, string error) = Cli("sweep", experiment, "--slurm", "--tasks", "2", "--out", run);
        Assert.True(code == ExitCodes.Ok, error);
        string array = ArrayJobOf(output);
        string share = Path.Combine(run, "shares", "task-1", "results.csv");
        WaitUntil(() => File.Exists(share) && ResultsFile.Read(share).Rows.Count >= 1, "task 1's first row");
        Assert.True(SlurmQueue.Cancel($"{array}_1"));
        WaitUntil(() => !SlurmQueue.Jobs([array]).Any(e => e.Task == 1 && e.Active), "task 1 to end after scancel");

        (code, output, error) = Cli("status", run);
        Assert.True(code == ExitCodes.Ok, error);
        string task1 = output.Split('\n').Single(l => l.Contains($"{array}_1", StringComparison.Ordinal));
        Assert.Contains("CANCELLED", task1, StringComparison.Ordinal);
        Assert.Contains("task 1 stopped with trials left", output, StringComparison.Ordinal);

        (code, output, error) = Cli("status", run, "--resubmit");
        Assert.True(code == ExitCodes.Ok, error);
        Assert.Matches(@"resubmitted task 1 as array job \d+, merge job \d+ after it", output);
        WaitForRun(run);

        ResultsFile merged = ResultsFile.Read(Path.Combine(run, "results.csv"));
        Assert.Equal(8, merged.Rows.Count);
        Assert.Equal(8, merged.Rows.Select(r => r.Key).Distinct().Count());
        Assert.All(merged.Rows, r => Assert.Equal(TrialStatus.Ok, r.Status));
        ResultsFile first = ResultsFile.Read(share);
        Assert.Equal(first.Rows.Count, first.Rows.Select(r => r.Key).Distinct().Count());
        (code, output, _) = Cli("status", run);
        Assert.Equal(ExitCodes.Ok, code);
        Assert.Contains("8 trials in 2 tasks: 8 done, 0 left", output, StringComparison.Ordinal);
    }

    [SkippableFact]
    public void MoreThreadsThanANodeHasCPUsIsRefusedBeforeSubmitting()
    {
        Skip.If(cluster.Unavailable is not null, cluster.Unavailable);
        string folder = NewFolder("slurm-big");
        int cpus = Environment.ProcessorCount;
        (int code, _, string error) = Cli("sweep", Experiment(folder, "big", repetitions: 1, iterations: 50), "--slurm",
            "--threads", $"1,{cpus * 4}", "--out", Path.Combine(folder, "cluster"));
        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains($"the sweep runs up to {cpus * 4} threads but the nodes of partition (default) have at most {cpus} CPUs", error, StringComparison.Ordinal);
        Assert.Single(error.TrimEnd('\n').Split('\n'));
    }

    [SkippableFact]
    public void StatusReportsADrainedNode()
    {
        Skip.If(cluster.Unavailable is not null, cluster.Unavailable);
        string folder = NewFolder("slurm-drain");
        string run = Path.Combine(folder, "cluster");
        Assert.True(SlurmTools.Run("scontrol", "update", $"nodename={cluster.Node}", "state=drain", "reason=workbench test").Ok);
        try
        {
            (int code, string output, string error) = Cli("sweep", Experiment(folder, "drained", repetitions: 1, iterations: 50), "--slurm", "--tasks", "2", "--out", run);
            Assert.True(code == ExitCodes.Ok, error);
            (code, output, error) = Cli("status", run);
            Assert.True(code == ExitCodes.Ok, error);
            Assert.Contains($"node {cluster.Node} is drained (workbench test)", output, StringComparison.Ordinal);
            Assert.Contains("PENDING", output, StringComparison.Ordinal);
            Assert.Contains("2 trials in 2 tasks: 0 done, 2 left", output, StringComparison.Ordinal);
            SlurmRun record = SlurmRun.Load(run);
            SlurmQueue.Cancel(record.Latest.MergeJob);
            SlurmQueue.Cancel(record.Latest.ArrayJob);
        }
        finally
        {
            SlurmTools.Run("scontrol", "update", $"nodename={cluster.Node}", "state=resume");
        }
    }
}
