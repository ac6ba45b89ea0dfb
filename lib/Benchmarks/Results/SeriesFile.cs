using System.Globalization;
using System.Text;
using Workbench.Benchmarks.Model;

namespace Workbench.Benchmarks.Results;

/// <summary>
/// Memory over time of a run's trials: one file, <c>series.csv</c> in the run folder, in long format, columns
/// <c>trial,seconds,rss_kib,requested_bytes,source,heap_kib,mmap_kib</c>. <c>trial</c> names the trial
/// (<see cref="TrialSpec.FileName"/>); source is <c>workload</c> for the workload's own samples and <c>sampler</c> for the
/// background sampler's; requested_bytes is -1 where not counted; heap_kib and mmap_kib are the resident brk heap and
/// anonymous mmap memory over the runtime's baseline (<see cref="SeriesPoint"/>), empty where not measured (files
/// written before 2026-12-04 end at source). Only the trials of benchmarks that sample over time (their workload
/// writes samples: memory, mleak, trace-replay) have lines, with their sampler's beside them.
/// </summary>
public static class SeriesFile
{
    /// <summary>The file inside a run folder.</summary>
    public const string FileName = "series.csv";

    /// <summary>The header line.</summary>
    public const string Header = "trial,seconds,rss_kib,requested_bytes,source,heap_kib,mmap_kib";

    /// <summary>The folder of one file per trial that runs written before 2026-12-04 have instead (still read).</summary>
    public const string OldFolder = "series";

    /// <summary>Appends the trial's series; nothing when its workload took no samples. Returns whether it wrote.</summary>
    public static bool Append(string runDirectory, TrialRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        TrialResult result = record.Result;
        if (result.Series.Count == 0)
        {
            return false;
        }
        AppendLines(runDirectory, record.Spec.FileName, [.. Lines(result.Series, "workload"), .. Lines(result.Samples, "sampler")]);
        return true;
    }

    /// <summary>Appends samples of the trial named <paramref name="trial"/> as they are (what a merge carries over).</summary>
    public static void AppendLines(string runDirectory, string trial, IEnumerable<SeriesLine> lines)
    {
        ArgumentNullException.ThrowIfNull(lines);
        string path = Path.Combine(runDirectory, FileName);
        StringBuilder text = new(File.Exists(path) ? "" : Header + "\n");
        foreach (SeriesLine l in lines)
        {
            text.Append(trial).Append(',').Append(l.Seconds.ToString("0.######", CultureInfo.InvariantCulture)).Append(',')
                .Append(l.RssKib.ToString(CultureInfo.InvariantCulture)).Append(',')
                .Append(l.RequestedBytes.ToString(CultureInfo.InvariantCulture)).Append(',').Append(l.Source).Append(',')
                .Append(l.HeapKib?.ToString(CultureInfo.InvariantCulture)).Append(',')
                .Append(l.MmapKib?.ToString(CultureInfo.InvariantCulture)).Append('\n');
        }
        File.AppendAllText(path, text.ToString());
    }

    /// <summary>Every trial's samples in a run folder, by trial (<see cref="TrialSpec.FileName"/>).</summary>
    public static Dictionary<string, List<SeriesLine>> Read(string runDirectory)
    {
        Dictionary<string, List<SeriesLine>> byTrial = new(StringComparer.Ordinal);
        string path = Path.Combine(runDirectory, FileName);
        if (File.Exists(path))
        {
            foreach (string line in File.ReadLines(path).Skip(1))
            {
                int comma = line.IndexOf(',', StringComparison.Ordinal);
                if (comma > 0 && ParsePoint(line[(comma + 1)..]) is { } point)
                {
                    AddTo(byTrial, line[..comma], point);
                }
            }
        }
        string old = Path.Combine(runDirectory, OldFolder);
        if (Directory.Exists(old))
        {
            foreach (string file in Directory.GetFiles(old, "*.csv"))
            {
                foreach (string line in File.ReadLines(file).Skip(1))
                {
                    if (ParsePoint(line) is { } point)
                    {
                        AddTo(byTrial, Path.GetFileNameWithoutExtension(file), point);
                    }
                }
            }
        }
        return byTrial;
    }

    private static void AddTo(Dictionary<string, List<SeriesLine>> byTrial, string trial, SeriesLine point)
    {
        if (!byTrial.TryGetValue(trial, out List<SeriesLine>? points))
        {
            byTrial[trial] = points = [];
        }
        points.Add(point);
    }

    /// <summary>One sample from <c>seconds,rss_kib,requested_bytes[,source[,heap_kib,mmap_kib]]</c>, or null when the line is not one.</summary>
    private static SeriesLine? ParsePoint(string text)
    {
        string[] f = text.Split(',');
        return f.Length >= 3
            && double.TryParse(f[0], NumberStyles.Float, CultureInfo.InvariantCulture, out double seconds)
            && long.TryParse(f[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out long rss)
            && long.TryParse(f[2], NumberStyles.Integer, CultureInfo.InvariantCulture, out long requested)
            ? new SeriesLine(seconds, rss, requested, f.Length > 3 ? f[3] : "")
            {
                HeapKib = f.Length > 5 && long.TryParse(f[4], NumberStyles.Integer, CultureInfo.InvariantCulture, out long heap) ? heap : null,
                MmapKib = f.Length > 5 && long.TryParse(f[5], NumberStyles.Integer, CultureInfo.InvariantCulture, out long mmap) ? mmap : null,
            }
            : null;
    }

    private static IEnumerable<SeriesLine> Lines(IEnumerable<SeriesPoint> points, string source) =>
        points.Select(p => new SeriesLine(p.Seconds, p.RssKib, p.RequestedBytes, source) { HeapKib = p.HeapKib, MmapKib = p.MmapKib });
}

/// <summary>One sample of a trial's memory series.</summary>
/// <param name="Seconds">Seconds since the trial started.</param>
/// <param name="RssKib">Resident set size, KiB.</param>
/// <param name="RequestedBytes">Bytes the workload had requested and not yet freed; -1 where not counted.</param>
/// <param name="Source"><c>workload</c> (after a batch of operations) or <c>sampler</c> (the background sampler).</param>
public sealed record SeriesLine(double Seconds, long RssKib, long RequestedBytes, string Source)
{
    /// <summary>Resident brk heap over the runtime's baseline, KiB; null where not measured.</summary>
    public long? HeapKib { get; init; }

    /// <summary>Resident anonymous mmap memory over the runtime's baseline, KiB; null where not measured.</summary>
    public long? MmapKib { get; init; }
}
