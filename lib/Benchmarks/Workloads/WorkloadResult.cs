using Workbench.Benchmarks.Model;
using Workbench.Benchmarks.Platform;

namespace Workbench.Benchmarks.Workloads;

/// <summary>What one run of a workload measured.</summary>
public sealed class WorkloadResult
{
    /// <summary>Seconds spent in the timed part.</summary>
    public double ElapsedSeconds { get; set; }

    /// <summary>Operations done in the timed part (each workload says what one operation is).</summary>
    public long Operations { get; set; }

    /// <summary>Further figures (latency percentiles, per-routine times, memory overhead), by name.</summary>
    public Dictionary<string, double> Metrics { get; } = new(StringComparer.Ordinal);

    /// <summary>
    /// The CPU time, peak RSS and faults of the process that did the work, when that is not the trial process (a real
    /// program, <see cref="Workload.RunsOutside"/>); null otherwise.
    /// </summary>
    public ResourceUsage? Usage { get; init; }

    /// <summary>The CPUs the workload's first worker thread was allowed (<see cref="GangResult.WorkerCpuMask"/>); 0 for a workload without worker threads.</summary>
    public ulong WorkerCpuMask { get; set; }

    /// <summary>Latency histograms counted by the workload (one per operation timed), stored in the run's <c>latency.csv</c>.</summary>
    public List<LatencyBuckets> Latency { get; } = [];

    /// <summary>Memory samples taken by the workload itself, after its operations.</summary>
    public List<SeriesPoint> Series { get; } = [];
}
