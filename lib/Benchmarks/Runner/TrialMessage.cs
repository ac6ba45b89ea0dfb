using System.Text.Json;
using System.Text.Json.Serialization;

namespace Workbench.Benchmarks.Runner;

/// <summary>The one JSON line a trial process prints for its parent, after <see cref="Marker"/>.</summary>
public sealed class TrialMessage
{
    /// <summary>What starts the result line on the trial process's standard output.</summary>
    public const string Marker = "@@workbench-trial ";

    /// <summary>ok or failed.</summary>
    [JsonPropertyName("status")] public string Status { get; set; } = "ok";

    /// <summary>Seconds in the timed part.</summary>
    [JsonPropertyName("elapsed_s")] public double ElapsedSeconds { get; set; }

    /// <summary>Operations.</summary>
    [JsonPropertyName("ops")] public long Operations { get; set; }

    /// <summary>User CPU seconds.</summary>
    [JsonPropertyName("user_s")] public double UserSeconds { get; set; }

    /// <summary>System CPU seconds.</summary>
    [JsonPropertyName("sys_s")] public double SystemSeconds { get; set; }

    /// <summary>Peak RSS, KiB.</summary>
    [JsonPropertyName("peak_rss_kib")] public long PeakRssKib { get; set; }

    /// <summary>Major faults.</summary>
    [JsonPropertyName("page_faults")] public long PageFaults { get; set; }

    /// <summary>Minor faults.</summary>
    [JsonPropertyName("page_reclaims")] public long PageReclaims { get; set; }

    /// <summary>Further metrics.</summary>
    [JsonPropertyName("metrics")] public Dictionary<string, double> Metrics { get; set; } = [];

    /// <summary>The error, when failed.</summary>
    [JsonPropertyName("message")] public string Message { get; set; } = "";

    /// <summary>Workload samples: [seconds, rss_kib, requested_bytes].</summary>
    [JsonPropertyName("series")] public List<double[]> Series { get; set; } = [];

    /// <summary>Background samples: [seconds, rss_kib].</summary>
    [JsonPropertyName("samples")] public List<double[]> Samples { get; set; } = [];

    /// <summary>The line to print.</summary>
    public string ToLine() => Marker + JsonSerializer.Serialize(this, RunnerJsonContext.Default.TrialMessage);

    /// <summary>The message in a line of output, or null when the line is not one.</summary>
    public static TrialMessage? FromLine(string? line)
    {
        if (line is null || !line.StartsWith(Marker, StringComparison.Ordinal))
        {
            return null;
        }
        try
        {
            return JsonSerializer.Deserialize(line.AsSpan(Marker.Length), RunnerJsonContext.Default.TrialMessage);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
