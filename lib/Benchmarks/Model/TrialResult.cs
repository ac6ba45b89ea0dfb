using System.Text.Json.Serialization;

namespace Workbench.Benchmarks.Model;

/// <summary>
/// What one trial measured: how it ended, its time, the CPU time, memory and faults of the process that ran it, further
/// metrics and memory over time. It is also what a trial process reports to the runner that started it, as one line
/// of JSON in this form (see <c>TrialResultLine</c>); a <see cref="TrialRecord"/> adds the trial and where and when it ran.
/// </summary>
public sealed class TrialResult
{
    /// <summary>How it ended.</summary>
    [JsonPropertyName("status")]
    [JsonConverter(typeof(TrialStatusJsonConverter))]
    public TrialStatus Status { get; set; }

    /// <summary>Seconds in the timed part.</summary>
    [JsonPropertyName("elapsed_s")]
    public double ElapsedSeconds { get; set; }

    /// <summary>Operations in the timed part.</summary>
    [JsonPropertyName("ops")]
    public long Operations { get; set; }

    /// <summary>User CPU seconds of the trial process.</summary>
    [JsonPropertyName("user_s")]
    public double UserSeconds { get; set; }

    /// <summary>System CPU seconds of the trial process.</summary>
    [JsonPropertyName("sys_s")]
    public double SystemSeconds { get; set; }

    /// <summary>Peak resident set size of the trial process, KiB.</summary>
    [JsonPropertyName("peak_rss_kib")]
    public long PeakRssKib { get; set; }

    /// <summary>Major page faults (mimalloc-bench's page-faults).</summary>
    [JsonPropertyName("page_faults")]
    public long PageFaults { get; set; }

    /// <summary>Minor page faults (mimalloc-bench's page-reclaims).</summary>
    [JsonPropertyName("page_reclaims")]
    public long PageReclaims { get; set; }

    /// <summary>Further named figures (latency percentiles, per-routine times, cfa-malloc's statistics); a trial process reports the finite ones.</summary>
    [JsonPropertyName("metrics")]
    [JsonConverter(typeof(FiniteMetricsJsonConverter))]
    public Dictionary<string, double> Metrics { get; init; } = new(StringComparer.Ordinal);

    /// <summary>Why it failed or was skipped; empty when it ran.</summary>
    [JsonPropertyName("message")]
    public string Message { get; set; } = "";

    /// <summary>Memory over time as the workload sampled it (after its operations): [seconds, rss_kib, requested_bytes] each.</summary>
    [JsonPropertyName("series")]
    [JsonConverter(typeof(SeriesPointsJsonConverter.WithRequestedBytes))]
    public List<SeriesPoint> Series { get; init; } = [];

    /// <summary>Memory over time as the background sampler saw it (every few milliseconds): [seconds, rss_kib] each.</summary>
    [JsonPropertyName("samples")]
    [JsonConverter(typeof(SeriesPointsJsonConverter.WithoutRequestedBytes))]
    public List<SeriesPoint> Samples { get; init; } = [];

    /// <summary>The latency histograms the workload counted (the latency benchmark's malloc and free), empty for other workloads.</summary>
    [JsonPropertyName("latency")]
    [JsonConverter(typeof(LatencyBucketsJsonConverter))]
    public List<LatencyBuckets> Latency { get; init; } = [];

    /// <summary>The program of the process that ran the trial (its path); empty when the trial never ran.</summary>
    [JsonPropertyName("process")]
    public string Process { get; set; } = "";

    /// <summary>How the code of that process was compiled: <see cref="JitCompiled"/> or <see cref="AheadOfTime"/>; empty when the trial never ran.</summary>
    [JsonPropertyName("compiled")]
    public string Compiled { get; set; } = "";

    /// <summary><see cref="Compiled"/> of a process whose code the JIT compiles as it runs (the workbench).</summary>
    public const string JitCompiled = "jit";

    /// <summary><see cref="Compiled"/> of a process compiled ahead of time (NativeAOT: cfa-aot's trial host).</summary>
    public const string AheadOfTime = "aot";

    /// <summary>Nanoseconds per operation.</summary>
    [JsonIgnore]
    public double NsPerOp => Operations > 0 ? ElapsedSeconds * 1e9 / Operations : 0;
}
