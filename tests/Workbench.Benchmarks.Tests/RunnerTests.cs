using Workbench.Benchmarks.Model;
using Workbench.Benchmarks.Platform;
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
        sweep.Knobs[new KnobName(null, "duration_ms")] = [60_000];
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
    public void ASessionChecksTheWholeSweepFirst_AndRunsInProcessWhenTheSweepAsks()
    {
        string folder = Path.Combine(TestRuns.NewFolder("session"), "run");
        SweepDefinition bad = TestRuns.TinySweep("session", ["churn"], ["bump", "nosuch"]);
        Assert.Contains("unknown allocator 'nosuch'", Assert.Throws<UsageException>(() => new SweepSession(bad, TestRuns.Launcher())).Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(folder));

        SweepDefinition sweep = TestRuns.TinySweep("session", ["churn"], ["bump", "cfa-noown"]);
        sweep.InProcess = true;
        SweepSession session = new(sweep, TestRuns.Launcher());
        Assert.Null(session.Launcher);
        Assert.Equal(2, session.Plan.Count);
        SweepOutcome outcome = session.Run(folder, Shard.All, []);
        Assert.Equal("0", ResultsFile.Read(Path.Combine(folder, "results.csv")).Rows.Single(r => r.Allocator == "bump").Text("isolated"));
        Assert.Matches(@"^1 ok, 0 failed, 0 timed out, 1 skipped in \d+\.\d s$", outcome.Tally);
        Assert.True(outcome.Elapsed > TimeSpan.Zero);
    }

    [Fact]
    public void TrialsAreInterleaved_RepetitionByRepetition_WithAConfigurationsAllocatorsBackToBack()
    {
        SweepDefinition sweep = new() { Benchmarks = ["churn", "threadtest"], Allocators = ["bump", "glibc", "cfa"], Threads = [1, 2], Repetitions = 3 };
        List<TrialSpec> plan = SweepPlan.Expand(sweep);
        Assert.Equal(2 * 3 * 2 * 3, plan.Count);
        // Repetition 1 of everything, then 2, then 3.
        Assert.Equal([.. plan.Select(t => t.Repetition).Order()], plan.Select(t => t.Repetition));
        // Inside a repetition, each configuration's three allocators run one after another, in the sweep's order
        // rotated by one from group to group, so each allocator leads equally often.
        string[] order = ["bump", "glibc", "cfa"];
        Dictionary<string, int> leads = [];
        for (int i = 0, g = 0; i < plan.Count; i += 3, g++)
        {
            TrialSpec[] group = [.. plan.Skip(i).Take(3)];
            Assert.Single(group.Select(t => (t.Benchmark, t.Threads, t.Repetition)).Distinct());
            int first = Array.IndexOf(order, group[0].Allocator);
            Assert.Equal([order[first], order[(first + 1) % 3], order[(first + 2) % 3]], group.Select(t => t.Allocator));
            leads[group[0].Allocator] = leads.GetValueOrDefault(group[0].Allocator) + 1;
        }
        Assert.Equal(3, leads.Count);
        Assert.True(leads.Values.Max() - leads.Values.Min() <= 1, string.Join(", ", leads));
        Assert.Equal(plan.Count, plan.Select(t => t.Key).Distinct().Count());
    }

    [Fact]
    public void CpusPinATrialToTheFirstAsManyCpusAsItHasThreads()
    {
        int last = Environment.ProcessorCount - 1;
        SweepDefinition sweep = new() { Benchmarks = ["churn"], Allocators = ["bump"], Threads = [1, 2, 3], Cpus = [last, 0] };
        List<TrialSpec> plan = SweepPlan.Expand(sweep);
        Assert.Equal([last], plan.Single(t => t.Threads == 1).Cpus);
        Assert.Equal(last == 0 ? [0] : [last, 0], plan.Single(t => t.Threads == 3).Cpus);
        sweep.Cpus = [];
        Assert.All(SweepPlan.Expand(sweep), t => Assert.Empty(t.Cpus));
        sweep.Cpus = [Environment.ProcessorCount];
        Assert.Contains($"bad CPU {Environment.ProcessorCount}", Assert.Throws<UsageException>(() => SweepPlan.Expand(sweep)).Message, StringComparison.Ordinal);
        sweep.Cpus = [0, 0];
        Assert.Contains("names a CPU twice", Assert.Throws<UsageException>(() => SweepPlan.Expand(sweep)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void APinnedTrialProcessRunsEveryThreadOnItsCpus_AndTheLauncherGetsItsMaskBack()
    {
        IReadOnlyList<int> before = CpuAffinity.OfCallingThread();
        int last = Environment.ProcessorCount - 1;
        TrialSpec spec = TestRuns.Trial("churn", "bump", 2, "fixed:64", new() { ["iterations"] = 1000 }, cpus: [last]);
        TrialResult result = TestRuns.Launcher().Run(spec, TimeSpan.FromSeconds(120));
        Assert.True(result.Status == TrialStatus.Ok, result.Message);
        // The trial reports the CPUs its worker threads were allowed (the workload's own record of them).
        Assert.Equal((double)(1UL << last), result.Metrics["worker_cpu_mask"]);
        Assert.Equal(before, CpuAffinity.OfCallingThread());
        Assert.Throws<ArgumentException>(() => CpuAffinity.PinCallingThreadWhile([Environment.ProcessorCount]));
        Assert.Equal(before, CpuAffinity.OfCallingThread());
    }

    [Fact]
    public void ATrialsPeakRssIsItsOwn_NotTheRunnersAtTheFork()
    {
        // Make this (runner) process large: 256 MiB touched and kept alive while the trial starts.
        byte[] ballast = GC.AllocateUninitializedArray<byte>(256 << 20, pinned: true);
        for (int i = 0; i < ballast.Length; i += 4096)
        {
            ballast[i] = 1;
        }
        long runnerPeak = ResourceUsage.HighWaterKib() ?? 0;
        Assert.True(runnerPeak > 256 * 1024, $"runner peak {runnerPeak} KiB");
        TrialSpec spec = TestRuns.Trial("churn", "bump", 1, "fixed:64", new() { ["iterations"] = 1000 });
        TrialResult result = TestRuns.Launcher().Run(spec, TimeSpan.FromSeconds(120));
        GC.KeepAlive(ballast);
        Assert.True(result.Status == TrialStatus.Ok, result.Message);
        Assert.True(result.PeakRssKib > 10 * 1024 && result.PeakRssKib < 200 * 1024,
            $"a tiny trial's peak RSS is {result.PeakRssKib} KiB while the runner's is {runnerPeak} KiB");
    }

    [Fact]
    public void AKnobScopedToABenchmarkLeavesTheOthersAlone()
    {
        SweepDefinition sweep = new() { Benchmarks = ["churn", "cache-thrash"], Allocators = ["bump"], Knobs = new() { [KnobName.Parse("churn.iterations")] = [7], [KnobName.Parse("repetitions")] = [9] } };
        List<TrialSpec> plan = SweepPlan.Expand(sweep);
        Assert.Equal(7, plan.Single(t => t.Benchmark == "churn").Knobs["iterations"]);
        TrialSpec thrash = plan.Single(t => t.Benchmark == "cache-thrash");
        Assert.Equal(1000, thrash.Knobs["iterations"]);
        Assert.Equal(9, thrash.Knobs["repetitions"]);
        sweep.Knobs = new() { [KnobName.Parse("larson.chunks")] = [5] };
        Assert.Contains("not in this sweep", Assert.Throws<UsageException>(() => SweepPlan.Expand(sweep)).Message, StringComparison.Ordinal);
        sweep.Knobs = new() { [KnobName.Parse("churn.chunks")] = [5] };
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
