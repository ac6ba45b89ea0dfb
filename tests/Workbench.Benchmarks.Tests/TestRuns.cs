using Workbench.Benchmarks.Model;
using Workbench.Benchmarks.Runner;

namespace Workbench.Benchmarks.Tests;

/// <summary>Helpers shared by the tests: temporary run folders, tiny knob values, the trial launcher.</summary>
internal static class TestRuns
{
    /// <summary>A fresh, empty folder under the temporary directory.</summary>
    public static string NewFolder(string prefix)
    {
        string path = Path.Combine(Path.GetTempPath(), $"wb-{prefix}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(path);
        return path;
    }

    /// <summary>Knob values that make any workload finish in milliseconds.</summary>
    public static readonly Dictionary<string, List<long>> Tiny = new()
    {
        ["iterations"] = [20],
        ["repetitions"] = [50],
        ["slots"] = [32],
        ["calls"] = [300],
        ["batch"] = [16],
        ["consumers"] = [1],
        ["objects"] = [64],
        ["rounds"] = [2],
        ["in_flight"] = [2],
        ["duration_ms"] = [20],
        ["chunks"] = [64],
        ["blocks"] = [25],
        ["allocations"] = [500],
        ["working_set"] = [64],
        ["round_threads"] = [3],
        ["live"] = [3],
        ["scale"] = [1],
        ["loops"] = [5],
        ["call_count"] = [4],
        ["requests"] = [50],
    };

    /// <summary>The tiny knobs that a workload has.</summary>
    public static Dictionary<string, long> TinyFor(Workloads.Workload workload) =>
        workload.ResolveKnobs(quick: true, Tiny.Where(k => workload.Knobs.Any(w => w.Name == k.Key)).ToDictionary(k => k.Key, k => k.Value[0]));

    /// <summary>A sweep of the given benchmarks and allocators with tiny knobs.</summary>
    public static SweepDefinition TinySweep(string name, IEnumerable<string> benchmarks, IEnumerable<string> allocators, int repetitions = 1)
    {
        List<Workloads.Workload> workloads = SweepPlan.ResolveBenchmarks([.. benchmarks]);
        return new SweepDefinition
        {
            Name = name,
            Benchmarks = [.. benchmarks],
            Allocators = [.. allocators],
            Threads = [1],
            Repetitions = repetitions,
            Quick = true,
            SampleMs = 0,
            TimeoutSeconds = 120,
            Knobs = Tiny.Where(k => workloads.Any(w => w.Knobs.Any(x => x.Name == k.Key))).ToDictionary(k => new KnobName(null, k.Key), k => k.Value),
        };
    }

    /// <summary>One trial of <paramref name="benchmark"/> at its quick knobs with <paramref name="knobs"/> over them, no RSS sampling.</summary>
    public static TrialSpec Trial(string benchmark, string allocator, int threads, string sizes, Dictionary<string, long> knobs, int[]? cpus = null) => new()
    {
        Benchmark = benchmark,
        Allocator = allocator,
        Threads = threads,
        Sizes = sizes,
        Repetition = 1,
        Knobs = new(Workloads.WorkloadCatalog.Find(benchmark)!.ResolveKnobs(true, knobs)),
        SampleMs = 0,
        Cpus = cpus ?? [],
    };

    /// <summary>A launcher that runs trials with the workbench program built next to the tests.</summary>
    public static TrialLauncher Launcher()
    {
        string dll = Path.Combine(AppContext.BaseDirectory, "workbench.dll");
        Assert.True(File.Exists(dll), $"the workbench program is not next to the tests: {dll}");
        string dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";
        return new TrialLauncher(dotnet, [dll]);
    }
}
