namespace Workbench.Benchmarks.Model;

/// <summary>
/// A sweep: the cross product of benchmarks x allocators x thread counts x size specs x knob values,
/// each repeated. It comes from the command line or from an experiment file (JSON or YAML, same field names).
/// A deserialiser may leave a list null (<c>benchmarks:</c> with no value, <c>"sizes": null</c>): the sweep plan refuses
/// that, and every value out of its range, before any trial starts (<c>SweepSettingsCheck</c>).
/// </summary>
public sealed class SweepDefinition
{
    /// <summary>The run's name (the folder under <c>data/runs</c>).</summary>
    public string Name { get; set; } = "";

    /// <summary>Benchmarks; empty means all.</summary>
    public List<string> Benchmarks { get; set; } = [];

    /// <summary>Allocators; empty means every available one.</summary>
    public List<string> Allocators { get; set; } = [];

    /// <summary>Thread counts; empty means each benchmark's quick list under <see cref="Quick"/>, else 1.</summary>
    public List<int> Threads { get; set; } = [];

    /// <summary>Size specs; empty means each benchmark's default.</summary>
    public List<string> Sizes { get; set; } = [];

    /// <summary>
    /// Knob values to sweep, by knob name (every benchmark that has the knob) or <c>benchmark.knob</c> (that
    /// benchmark only, e.g. <c>churn.iterations</c>); knobs not named keep their default (or quick) value.
    /// </summary>
    public Dictionary<KnobName, List<long>> Knobs { get; set; } = [];

    /// <summary>Repetitions of each trial, from 1 to <see cref="MaxRepetitions"/>.</summary>
    public int Repetitions { get; set; } = 1;

    /// <summary>The most repetitions of a trial (2 billion once made the plan build a list of 2 billion trials).</summary>
    public const int MaxRepetitions = 10_000;

    /// <summary>Untimed runs before each measured one, in the same process, from 0 to <see cref="MaxWarmup"/>.</summary>
    public int Warmup { get; set; }

    /// <summary>The most untimed runs before a measured one.</summary>
    public const int MaxWarmup = 1_000;

    /// <summary>The seed of the workloads' random choices.</summary>
    public int Seed { get; set; } = 4141;

    /// <summary>Use the knobs' quick values.</summary>
    public bool Quick { get; set; }

    /// <summary>Per-trial time limit in seconds, from <see cref="MinTimeoutSeconds"/> to <see cref="MaxTimeoutSeconds"/>.</summary>
    public double TimeoutSeconds { get; set; } = 600;

    /// <summary>The shortest per-trial time limit: a millisecond.</summary>
    public const double MinTimeoutSeconds = 0.001;

    /// <summary>The longest per-trial time limit: a week (infinity and 1e300 once reached TimeSpan and JSON internals).</summary>
    public const double MaxTimeoutSeconds = 604_800;

    /// <summary>Run trials in the runner's own process (debugging) instead of one child process each.</summary>
    public bool InProcess { get; set; }

    /// <summary>Milliseconds between RSS samples (0: none), at most <see cref="MaxSampleMs"/>.</summary>
    public int SampleMs { get; set; } = 10;

    /// <summary>The longest interval between RSS samples: a minute.</summary>
    public const int MaxSampleMs = 60_000;

    /// <summary>
    /// The CPUs trials run on, in order of preference: a trial with N threads is pinned to the first N (all of them
    /// when it has more threads than the list). Empty: no pinning. On a VM whose virtual CPUs run at different
    /// speeds, pinning puts every allocator's single-threaded trials on the same CPU.
    /// </summary>
    public List<int> Cpus { get; set; } = [];
}
