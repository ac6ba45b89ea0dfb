using System.Diagnostics;
using System.Text.Json.Nodes;
using Workbench.Allocator;
using Workbench.Benchmarks.Allocators;
using Workbench.Benchmarks.Model;
using Workbench.Benchmarks.Results;
using Workbench.Benchmarks.Runner;
using Workbench.Benchmarks.Workloads;

namespace Workbench.Benchmarks.Tests;

/// <summary>
/// cfa-aot: cfa-malloc's trials in the trial process compiled ahead of time (artifacts/trialhost/workbench-trialhost,
/// <see cref="TrialHostBuild"/>).
/// </summary>
public sealed class AheadOfTimeTests
{
    [Fact]
    public void ACfaAotTrialRunsThroughTheRunnerIntoAResultRow()
    {
        string host = TrialHostBuild.Program;
        string folder = TestRuns.NewFolder("aot");
        SweepDefinition sweep = TestRuns.TinySweep("aot", ["churn"], ["cfa", "cfa-aot"]);
        SweepOutcome outcome = new SweepRunner(TestRuns.Launcher()).Run(sweep, folder, Shard.All, []);
        Assert.Equal(2, outcome.Count(TrialStatus.Ok));
        List<ResultRow> rows = [.. ResultsFile.Read(Path.Combine(folder, "results.csv")).Rows];
        ResultRow aot = rows.Single(r => r.Allocator == "cfa-aot");
        ResultRow jit = rows.Single(r => r.Allocator == "cfa");
        Assert.Equal(TrialStatus.Ok, aot.Status);
        Assert.Equal("1", aot.Text("isolated"));
        // churn's tiny run: 20 mallocs (each after a free once its slot is taken), through cfa-malloc, which counted
        // them itself, and the same calls as the JIT-compiled trial of the same code made (priming included).
        Assert.Equal(20, aot.Number("ops"));
        Assert.True(aot.Number("cfa_malloc_calls") >= 20, $"cfa_malloc_calls {aot.Number("cfa_malloc_calls")}");
        Assert.Equal(jit.Number("cfa_malloc_calls"), aot.Number("cfa_malloc_calls"));
        Assert.Equal(jit.Number("cfa_free_calls"), aot.Number("cfa_free_calls"));
        Assert.True(aot.Number("peak_rss_kib") > 0);
        // The run's metadata names the program the cfa-aot trials ran in.
        JsonNode metadata = JsonNode.Parse(File.ReadAllText(Path.Combine(folder, RunMetadata.FileName)))!;
        Assert.Equal(host, (string?)metadata["allocators"]!["cfa-aot"]!["trial_host"]);
        Assert.Null(metadata["allocators"]!["cfa"]!["trial_host"]);
    }

    [Fact]
    public void TheTrialProcessOfCfaAotIsTheAheadOfTimeProgramAndCfaStaysJit()
    {
        string host = TrialHostBuild.Program;
        TrialLauncher launcher = TestRuns.Launcher();
        Dictionary<string, long> tiny = TestRuns.TinyFor(WorkloadCatalog.Find("churn")!);
        TrialResult aot = launcher.Run(TestRuns.Trial("churn", "cfa-aot", 2, "uniform:16-256", tiny), TimeSpan.FromMinutes(2));
        Assert.True(aot.Status == TrialStatus.Ok, aot.Message);
        Assert.Equal(host, aot.Process);
        Assert.NotEqual("dotnet", Path.GetFileNameWithoutExtension(aot.Process));
        Assert.Equal(TrialResult.AheadOfTime, aot.Compiled);
        // A native executable: ELF, with no managed entry assembly beside it to run.
        byte[] magic = new byte[4];
        using (FileStream file = File.OpenRead(aot.Process))
        {
            file.ReadExactly(magic);
        }
        Assert.Equal("\u007fELF", System.Text.Encoding.ASCII.GetString(magic));
        Assert.False(File.Exists(Path.ChangeExtension(aot.Process, ".dll")));

        TrialResult jit = launcher.Run(TestRuns.Trial("churn", "cfa", 2, "uniform:16-256", tiny), TimeSpan.FromMinutes(2));
        Assert.True(jit.Status == TrialStatus.Ok, jit.Message);
        Assert.Equal(TrialResult.JitCompiled, jit.Compiled);
        Assert.Equal("dotnet", Path.GetFileNameWithoutExtension(jit.Process));
        Assert.Equal(aot.Operations, jit.Operations);
    }

    /// <summary>Every workload that runs inside its trial process, with the size spec it runs by default.</summary>
    public static TheoryData<string, string> InsideWorkloads()
    {
        TheoryData<string, string> data = [];
        foreach (Workload workload in WorkloadCatalog.All.Where(w => !w.RunsOutside))
        {
            data.Add(workload.Name, workload.QuickSizes[0]);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(InsideWorkloads))]
    public void EveryWorkloadThatRunsInsideRunsCompiledAheadOfTime(string benchmark, string sizes)
    {
        _ = TrialHostBuild.Program;
        Workload workload = WorkloadCatalog.Find(benchmark)!;
        TrialResult result = TestRuns.Launcher().Run(TestRuns.Trial(benchmark, "cfa-aot", 2, sizes, TestRuns.TinyFor(workload)), TimeSpan.FromMinutes(2));
        Assert.True(result.Status == TrialStatus.Ok, $"{benchmark} on cfa-aot: {result.Message}");
        Assert.Equal(TrialResult.AheadOfTime, result.Compiled);
        Assert.True(result.Operations > 0);
        Assert.True(result.Metrics["cfa_malloc_calls"] > 0 || result.Metrics["cfa_aalloc_calls"] > 0 || result.Metrics["cfa_memalign_calls"] > 0);
    }

    /// <summary>
    /// larson's threads each start a successor and end. Pinned to one CPU, the program compiled ahead of time sees its
    /// predecessor still alive at the successor's first call far more often than the JIT-compiled one; before the pool
    /// yielded once to ending threads it made 52 and 83 heaps in two such runs (178 and 275 MiB at the peak), since 3.
    /// </summary>
    [Fact]
    public void LarsonsSuccessorThreadsOnOneCpuReuseTheirPredecessorsHeapsCompiledAheadOfTime()
    {
        _ = TrialHostBuild.Program;
        Dictionary<string, long> knobs = new() { ["duration_ms"] = 500, ["chunks"] = 5000, ["rounds"] = 20 };
        TrialResult result = TestRuns.Launcher().Run(TestRuns.Trial("larson", "cfa-aot", 1, "uniform:8-999", knobs, cpus: [0]), TimeSpan.FromMinutes(2));
        Assert.True(result.Status == TrialStatus.Ok, result.Message);
        double generations = result.Metrics["threads_started"];
        double heaps = result.Metrics["cfa_heaps_new"];
        Assert.True(generations >= 40, $"only {generations} generations of threads ran: the test shows nothing");
        // The warm-up's thread, the lineage's current thread and its predecessor, and a few spare for a slow exit.
        Assert.True(heaps <= 8, $"{heaps} heaps made for {generations} threads that each ended as their successor began");
    }

    [Fact]
    public void CfaAotRefusesRealProgramsAndTheRunnersOwnProcessWithAReason()
    {
        AllocatorInfo info = AllocatorCatalog.Find("cfa-aot")!;
        Assert.Equal("skipped: cfa-aot is a trial process for C# workloads; a program runs on cfa-malloc compiled ahead of time already (libcfamalloc.so): use -a cfa",
            WorkloadCatalog.Find("program")!.Obstacle(info, 1, "program:sqlite3"));
        Assert.Equal("skipped: cfa-aot runs only in its own trial process (artifacts/trialhost/workbench-trialhost): run it without --in-process", info.InProcessObstacle);

        // In process, the sweep records the trial as skipped with that line, and runs the others.
        string folder = TestRuns.NewFolder("aot-inprocess");
        SweepDefinition sweep = TestRuns.TinySweep("aot-inprocess", ["churn"], ["cfa-aot", "bump"]);
        sweep.InProcess = true;
        SweepOutcome outcome = new SweepRunner(launcher: null).Run(sweep, folder, Shard.All, []);
        Assert.Equal(1, outcome.Count(TrialStatus.Skipped));
        Assert.Equal(1, outcome.Count(TrialStatus.Ok));
        Assert.Contains(info.InProcessObstacle, outcome.Notes);
    }

    [Fact]
    public void TheTrialHostRefusesARealProgramWithAReasonInsteadOfReflectingOverYaml()
    {
        _ = TrialHostBuild.Program;
        // The runner never sends it one (the obstacle above); started by hand, the host fails the trial with a line.
        TrialResult result = TestRuns.Launcher().Run(TestRuns.Trial("program", "cfa-aot", 1, "program:sqlite3", []), TimeSpan.FromMinutes(1));
        Assert.Equal(TrialStatus.Failed, result.Status);
        Assert.Contains("cannot be read by code compiled ahead of time: run real programs from the workbench itself", result.Message, StringComparison.Ordinal);
        Assert.Equal(TrialResult.AheadOfTime, result.Compiled);
    }

    [Fact]
    public void CfaAotIsUnavailableWithItsBuildScriptWhenItsHostIsNotBuilt()
    {
        AllocatorInfo missing = AllocatorCatalog.Find("cfa-aot")! with { Host = TrialHostSpec.AheadOfTime with { Program = "artifacts/nosuch/workbench-trialhost" } };
        Assert.Equal("skipped: cfa-aot: artifacts/nosuch/workbench-trialhost not built (scripts/build-trialhost.sh, with the .NET SDK's NativeAOT and gcc)", missing.Unavailable);
        _ = TrialHostBuild.Program;
        Assert.Null(AllocatorCatalog.Find("cfa-aot")!.Unavailable);
    }

    [Fact]
    public void TheTrialHostRefusesACommandLineThatIsNotATrialWithOneLine()
    {
        foreach (string[] arguments in new[] { Array.Empty<string>(), ["trial", "{not json"] })
        {
            ProcessStartInfo start = new(TrialHostBuild.Program, arguments) { RedirectStandardOutput = true, RedirectStandardError = true };
            using Process process = Process.Start(start)!;
            string error = process.StandardError.ReadToEnd();
            process.WaitForExit();
            Assert.Equal(2, process.ExitCode);
            Assert.StartsWith("workbench-trialhost: ", error, StringComparison.Ordinal);
            Assert.Single(error.TrimEnd('\n').Split('\n'));
        }
    }

    [Fact]
    public unsafe void CfaStatisticsNameEveryCounterOfTheAllocatorsStatistics()
    {
        IReadOnlyDictionary<string, double> before = CfaStatistics.Snapshot();
        byte* block = (byte*)CfaMalloc.Malloc(48);
        block[47] = 0x5A;
        Assert.Equal(0x5A, block[47]);
        CfaMalloc.Free(block);
        AllocatorStatistics statistics = CfaMalloc.GetStatistics();
        IReadOnlyDictionary<string, double> after = CfaStatistics.Snapshot();
        // Nested counters joined with '_', scalars by their snake-case name; lists (per heap, per bucket) left out.
        foreach (string routine in new[] { "malloc", "aalloc", "calloc", "memalign", "amemalign", "cmemalign", "resize", "realloc", "free" })
        {
            foreach (string counter in new[] { "calls", "zero_calls", "bytes_requested", "bytes_allocated" })
            {
                Assert.Contains($"cfa_{routine}_{counter}", after.Keys);
            }
        }
        Assert.Contains("cfa_remote_pushes", after.Keys);
        Assert.Contains("cfa_mapping_cache_hits", after.Keys);
        Assert.DoesNotContain(after.Keys, k => k.StartsWith("cfa_per_heap", StringComparison.Ordinal) || k.StartsWith("cfa_buckets", StringComparison.Ordinal));
        // The values are the allocator's (other tests allocate meanwhile, so they only grow).
        Assert.InRange(statistics.Malloc.Calls, before["cfa_malloc_calls"] + 1, after["cfa_malloc_calls"]);
        Assert.InRange(statistics.Free.Calls, before["cfa_free_calls"] + 1, after["cfa_free_calls"]);
    }
}
