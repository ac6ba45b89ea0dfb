using Workbench.Benchmarks.Results;
using Workbench.Benchmarks.Runner;

namespace Workbench.Benchmarks.Tests;

/// <summary>The runner: resume after an interruption, a crashing trial, shards and merge, experiment files.</summary>
public sealed class RunnerTests
{
    [Fact]
    public void AnInterruptedSweepResumesWithoutRunningFinishedTrialsAgain()
    {
        string folder = TestRuns.NewFolder("resume");
        SweepDefinition sweep = TestRuns.TinySweep("resume", ["churn", "threadtest"], ["bump", "glibc"], repetitions: 2);
        int planned = SweepPlan.Expand(sweep).Count;
        Assert.Equal(8, planned);

        // Interrupt after three trials.
        using CancellationTokenSource cancel = new();
        SweepRunner runner = new(launcher: null);
        SweepOutcome first = runner.Run(sweep, folder, Shard.All, [], p =>
        {
            if (p.Done == 3)
            {
                cancel.Cancel();
            }
        }, cancel.Token);
        Assert.True(first.Cancelled);
        List<ResultRow> before = [.. ResultsFile.Read(Path.Combine(folder, "results.csv")).Rows];
        Assert.Equal(3, before.Count);

        SweepOutcome second = runner.Run(sweep, folder, Shard.All, []);
        Assert.Equal(3, second.AlreadyDone);
        Assert.Equal(5, second.Count(TrialStatus.Ok));
        List<ResultRow> after = [.. ResultsFile.Read(Path.Combine(folder, "results.csv")).Rows];
        Assert.Equal(8, after.Count);
        Assert.Equal(8, after.Select(r => r.Key).Distinct().Count());
        // The first three rows are untouched (not run again).
        for (int i = 0; i < 3; i++)
        {
            Assert.Equal(before[i].Key, after[i].Key);
            Assert.Equal(before[i].Text("elapsed_s"), after[i].Text("elapsed_s"));
        }
        // A third run has nothing left to do.
        SweepOutcome third = runner.Run(sweep, folder, Shard.All, []);
        Assert.Equal(8, third.AlreadyDone);
        Assert.Empty(third.Ran);
        Assert.True(File.Exists(Path.Combine(folder, RunMetadata.FileName)));
    }

    [Fact]
    public void ACrashingTrialIsRecordedAsFailedAndTheSweepGoesOn()
    {
        string folder = TestRuns.NewFolder("crash");
        SweepDefinition sweep = TestRuns.TinySweep("crash", ["churn"], ["crash", "bump"]);
        SweepOutcome outcome = new SweepRunner(TestRuns.Launcher()).Run(sweep, folder, Shard.All, []);
        Assert.Equal(1, outcome.Count(TrialStatus.Failed));
        Assert.Equal(1, outcome.Count(TrialStatus.Ok));
        List<ResultRow> rows = [.. ResultsFile.Read(Path.Combine(folder, "results.csv")).Rows];
        ResultRow crashed = rows.Single(r => r.Allocator == "crash");
        Assert.Equal(TrialStatus.Failed, crashed.Status);
        Assert.Contains("trial process died", crashed.Text("message"), StringComparison.Ordinal);
        Assert.Contains("SIGABRT", crashed.Text("message"), StringComparison.Ordinal);
        // Its CPU time comes from the parent's side (getrusage of the waited-for child).
        Assert.True(crashed.Number("user_s") > 0);
        ResultRow ok = rows.Single(r => r.Allocator == "bump");
        Assert.Equal(TrialStatus.Ok, ok.Status);
        Assert.Equal("1", ok.Text("isolated"));
        Assert.True(ok.Number("peak_rss_kib") > 0);
        Assert.True(ok.Number("user_s") > 0);
    }

    [Fact]
    public void ATrialPastItsTimeLimitIsKilledAndRecordedAsTimeout()
    {
        string folder = TestRuns.NewFolder("timeout");
        SweepDefinition sweep = TestRuns.TinySweep("timeout", ["larson"], ["bump"]);
        sweep.Knobs["duration_ms"] = [60_000];
        sweep.TimeoutSeconds = 3;
        SweepOutcome outcome = new SweepRunner(TestRuns.Launcher()).Run(sweep, folder, Shard.All, []);
        Assert.Equal(1, outcome.Count(TrialStatus.Timeout));
        Assert.Equal(TrialStatus.Timeout, ResultsFile.Read(Path.Combine(folder, "results.csv")).Rows.Single().Status);
    }

    [Fact]
    public void ShardsAreDisjointCoverTheSweepAndMergeBack()
    {
        SweepDefinition sweep = TestRuns.TinySweep("shards", ["churn", "glibc-simple", "threadtest"], ["bump", "glibc"]);
        List<TrialSpec> plan = SweepPlan.Expand(sweep);
        string root = TestRuns.NewFolder("shards");
        List<string> folders = [];
        for (int i = 1; i <= 3; i++)
        {
            string folder = Path.Combine(root, $"shard{i}");
            folders.Add(folder);
            new SweepRunner(launcher: null).Run(sweep, folder, new Shard(i, 3), []);
        }
        List<string> keys = [.. folders.SelectMany(f => ResultsFile.Read(Path.Combine(f, "results.csv")).Rows.Select(r => r.Key))];
        Assert.Equal(plan.Count, keys.Count);
        Assert.Equal(plan.Select(p => p.Key).Order(), keys.Order());

        string merged = Path.Combine(root, "merged");
        Assert.Equal(plan.Count, ResultsMerge.Merge(folders, merged));
        ResultsFile all = ResultsFile.Read(Path.Combine(merged, "results.csv"));
        Assert.Equal(plan.Select(p => p.Key).Order(), all.Rows.Select(r => r.Key).Order());
        Assert.Throws<UsageException>(() => ResultsMerge.Merge(folders, merged));
    }

    [Fact]
    public void InProcessSweepsSkipAllocatorsThatNeedTheirOwnProcess()
    {
        string folder = TestRuns.NewFolder("inprocess");
        SweepDefinition sweep = TestRuns.TinySweep("inprocess", ["churn"], ["cfa-noown", "bump"]);
        SweepOutcome outcome = new SweepRunner(launcher: null).Run(sweep, folder, Shard.All, []);
        Assert.Equal(1, outcome.Count(TrialStatus.Skipped));
        Assert.Contains(outcome.Notes, n => n.Contains("CFA_MALLOC_OWNERSHIP=0", StringComparison.Ordinal));
        // A skipped trial is not done: a rerun tries it again.
        Assert.Equal(1, new SweepRunner(launcher: null).Run(sweep, folder, Shard.All, []).Count(TrialStatus.Skipped));
    }

    [Fact]
    public void AKnobScopedToABenchmarkLeavesTheOthersAlone()
    {
        SweepDefinition sweep = new() { Benchmarks = ["churn", "cache-thrash"], Allocators = ["bump"], Knobs = new() { ["churn.iterations"] = [7], ["repetitions"] = [9] } };
        List<TrialSpec> plan = SweepPlan.Expand(sweep);
        Assert.Equal(7, plan.Single(t => t.Benchmark == "churn").Knobs["iterations"]);
        TrialSpec thrash = plan.Single(t => t.Benchmark == "cache-thrash");
        Assert.Equal(1000, thrash.Knobs["iterations"]);
        Assert.Equal(9, thrash.Knobs["repetitions"]);
        sweep.Knobs = new() { ["larson.chunks"] = [5] };
        Assert.Contains("not in this sweep", Assert.Throws<UsageException>(() => SweepPlan.Expand(sweep)).Message, StringComparison.Ordinal);
        sweep.Knobs = new() { ["churn.chunks"] = [5] };
        Assert.Contains("unknown knob 'chunks' for churn", Assert.Throws<UsageException>(() => SweepPlan.Expand(sweep)).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("1/1", true)]
    [InlineData("2/4", true)]
    [InlineData("0/4", false)]
    [InlineData("5/4", false)]
    [InlineData("1-4", false)]
    [InlineData("a/b", false)]
    public void ShardSpecs(string text, bool valid)
    {
        if (valid)
        {
            Assert.Equal(text, Shard.Parse(text).ToString());
        }
        else
        {
            Assert.Contains("--shard i/n", Assert.Throws<UsageException>(() => Shard.Parse(text)).Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void ExperimentFilesInYamlAndJsonGiveTheSameSweep()
    {
        string folder = TestRuns.NewFolder("experiment");
        string yaml = Path.Combine(folder, "e.yaml");
        File.WriteAllText(yaml, """
            name: first
            benchmarks: [churn, larson]
            allocators: [cfa, glibc]
            threads: [1, 2]
            sizes: ["uniform:16-1024", "fixed:64"]
            knobs:
              iterations: [1000, 2000]
            repetitions: 3
            timeout_seconds: 30
            """);
        string json = Path.Combine(folder, "e.json");
        File.WriteAllText(json, """
            { "name": "first", "benchmarks": ["churn", "larson"], "allocators": ["cfa", "glibc"], "threads": [1, 2],
              "sizes": ["uniform:16-1024", "fixed:64"], "knobs": { "iterations": [1000, 2000] }, "repetitions": 3, "timeout_seconds": 30 }
            """);
        List<string> fromYaml = [.. SweepPlan.Expand(ExperimentFile.Load(yaml)).Select(t => t.Key)];
        List<string> fromJson = [.. SweepPlan.Expand(ExperimentFile.Load(json)).Select(t => t.Key)];
        // churn: 2 allocators x 2 threads x 2 sizes x 2 iterations x 3 repetitions; larson has no iterations knob.
        Assert.Equal(2 * 2 * 2 * 2 * 3 + 2 * 2 * 2 * 3, fromYaml.Count);
        Assert.Equal(fromYaml, fromJson);
        Assert.Equal(30, ExperimentFile.Load(yaml).TimeoutSeconds);

        File.WriteAllText(json, """{ "benchmarks": ["churn"], "colour": "blue" }""");
        Assert.Contains("is not valid", Assert.Throws<UsageException>(() => ExperimentFile.Load(json)).Message, StringComparison.Ordinal);
    }
}
