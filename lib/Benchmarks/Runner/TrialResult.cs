using Workbench.Benchmarks.Workloads;

namespace Workbench.Benchmarks.Runner;

/// <summary>What one trial measured: one row of <c>results.csv</c>.</summary>
public sealed class TrialResult
{
    /// <summary>The trial.</summary>
    public required TrialSpec Spec { get; init; }

    /// <summary>How it ended.</summary>
    public TrialStatus Status { get; set; }

    /// <summary>Seconds in the timed part.</summary>
    public double ElapsedSeconds { get; set; }

    /// <summary>Operations in the timed part.</summary>
    public long Operations { get; set; }

    /// <summary>Nanoseconds per operation.</summary>
    public double NsPerOp => Operations > 0 ? ElapsedSeconds * 1e9 / Operations : 0;

    /// <summary>User CPU seconds of the trial process.</summary>
    public double UserSeconds { get; set; }

    /// <summary>System CPU seconds of the trial process.</summary>
    public double SystemSeconds { get; set; }

    /// <summary>Peak resident set size of the trial process, KiB.</summary>
    public long PeakRssKib { get; set; }

    /// <summary>Major page faults (mimalloc-bench's page-faults).</summary>
    public long PageFaults { get; set; }

    /// <summary>Minor page faults (mimalloc-bench's page-reclaims).</summary>
    public long PageReclaims { get; set; }

    /// <summary>Further named figures (latency percentiles, per-routine times, cfa-malloc's statistics).</summary>
    public Dictionary<string, double> Metrics { get; init; } = new(StringComparer.Ordinal);

    /// <summary>Why it failed or was skipped; empty when it ran.</summary>
    public string Message { get; set; } = "";

    /// <summary>When it finished (UTC, ISO 8601).</summary>
    public string FinishedUtc { get; set; } = "";

    /// <summary>Run in a child process (true) or in the runner's own process.</summary>
    public bool Isolated { get; set; } = true;

    /// <summary>Memory over time as the workload sampled it (after its operations).</summary>
    public List<SeriesPoint> Series { get; init; } = [];

    /// <summary>Memory over time as the background sampler saw it (every few milliseconds).</summary>
    public List<SeriesPoint> Samples { get; init; } = [];
}
