using System.Globalization;
using System.Text;
using Workbench.Benchmarks.Runner;
using Workbench.Benchmarks.Workloads;

namespace Workbench.Benchmarks.Results;

/// <summary>
/// Memory over time of one trial: <c>series/&lt;trial&gt;.csv</c> in the run folder, columns
/// <c>seconds,rss_kib,requested_bytes,source</c> (source <c>workload</c> for the workload's own samples,
/// <c>sampler</c> for the background sampler's; requested_bytes is -1 where not counted).
/// </summary>
public static class SeriesFile
{
    /// <summary>The folder inside a run folder.</summary>
    public const string Folder = "series";

    /// <summary>Writes the trial's series; nothing when it has no samples. Returns the path or null.</summary>
    public static string? Write(string runDirectory, TrialResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        if (result.Series.Count == 0 && result.Samples.Count == 0)
        {
            return null;
        }
        string directory = Path.Combine(runDirectory, Folder);
        Directory.CreateDirectory(directory);
        string path = Path.Combine(directory, result.Spec.FileName + ".csv");
        StringBuilder text = new("seconds,rss_kib,requested_bytes,source\n");
        Append(text, result.Series, "workload");
        Append(text, result.Samples, "sampler");
        File.WriteAllText(path, text.ToString());
        return path;
    }

    private static void Append(StringBuilder text, IEnumerable<SeriesPoint> points, string source)
    {
        foreach (SeriesPoint p in points)
        {
            text.Append(p.Seconds.ToString("0.######", CultureInfo.InvariantCulture)).Append(',')
                .Append(p.RssKib.ToString(CultureInfo.InvariantCulture)).Append(',')
                .Append(p.RequestedBytes.ToString(CultureInfo.InvariantCulture)).Append(',')
                .Append(source).Append('\n');
        }
    }
}
