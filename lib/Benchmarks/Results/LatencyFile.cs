using System.Globalization;
using System.Text;
using Workbench.Benchmarks.Model;

namespace Workbench.Benchmarks.Results;

/// <summary>
/// The latency histograms of a run's trials: one file, <c>latency.csv</c> in the run folder, one line per trial and
/// operation, columns <c>trial,operation,ns_per_tick,max_ticks,buckets</c>. <c>trial</c> names the trial
/// (<see cref="TrialSpec.FileName"/>); <c>buckets</c> lists the non-empty buckets as <c>upper:count</c> separated by
/// spaces (upper bound in ticks, inclusive), ascending: a few kilobytes per trial however many calls it timed. Only
/// the trials of workloads that count latencies (the latency benchmark) have lines; a trial run again (a retried
/// sweep) appends new lines, and the last one of each trial and operation is the one read.
/// </summary>
public static class LatencyFile
{
    /// <summary>The file inside a run folder.</summary>
    public const string FileName = "latency.csv";

    /// <summary>The header line.</summary>
    public const string Header = "trial,operation,ns_per_tick,max_ticks,buckets";

    /// <summary>Appends the trial's histograms; nothing when its workload counted none. Returns whether it wrote.</summary>
    public static bool Append(string runDirectory, TrialRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        // Null from a trial program built before histograms were stored (a stale cfa-aot trial host): none either.
        if (record.Result.Latency is not { Count: > 0 })
        {
            return false;
        }
        AppendLines(runDirectory, record.Spec.FileName, record.Result.Latency);
        return true;
    }

    /// <summary>Appends histograms of the trial named <paramref name="trial"/> (what a merge carries over).</summary>
    public static void AppendLines(string runDirectory, string trial, IEnumerable<LatencyBuckets> histograms)
    {
        ArgumentNullException.ThrowIfNull(histograms);
        string path = Path.Combine(runDirectory, FileName);
        StringBuilder text = new(File.Exists(path) ? "" : Header + "\n");
        foreach (LatencyBuckets h in histograms)
        {
            text.Append(trial).Append(',').Append(h.Operation).Append(',')
                .Append(h.NsPerTick.ToString("R", CultureInfo.InvariantCulture)).Append(',')
                .Append(h.MaxTicks.ToString(CultureInfo.InvariantCulture)).Append(',')
                .AppendJoin(' ', h.Buckets.Select(b => string.Create(CultureInfo.InvariantCulture, $"{b.UpperTicks}:{b.Count}"))).Append('\n');
        }
        File.AppendAllText(path, text.ToString());
    }

    /// <summary>Every trial's histograms in a run folder, by trial (<see cref="TrialSpec.FileName"/>); empty when there is no file.</summary>
    /// <exception cref="InvalidDataException">A line is not a histogram; the message names the file and line.</exception>
    public static Dictionary<string, List<LatencyBuckets>> Read(string runDirectory)
    {
        Dictionary<string, List<LatencyBuckets>> byTrial = new(StringComparer.Ordinal);
        string path = Path.Combine(runDirectory, FileName);
        if (!File.Exists(path))
        {
            return byTrial;
        }
        int number = 0;
        foreach (string line in File.ReadLines(path))
        {
            number++;
            if (number == 1 || line.Length == 0)
            {
                continue;
            }
            (string trial, LatencyBuckets histogram) = Parse(line) ?? throw new InvalidDataException(
                $"{path}:{number}: not a latency histogram (expected {Header}, buckets as upper:count ...): run the trial again or delete the line");
            if (!byTrial.TryGetValue(trial, out List<LatencyBuckets>? list))
            {
                byTrial[trial] = list = [];
            }
            list.RemoveAll(h => h.Operation == histogram.Operation);
            list.Add(histogram);
        }
        return byTrial;
    }

    private static (string Trial, LatencyBuckets Histogram)? Parse(string line)
    {
        string[] f = line.Split(',');
        if (f.Length != 5 || f[0].Length == 0 || f[1].Length == 0
            || !double.TryParse(f[2], NumberStyles.Float, CultureInfo.InvariantCulture, out double nsPerTick) || !(nsPerTick > 0)
            || !long.TryParse(f[3], NumberStyles.Integer, CultureInfo.InvariantCulture, out long max))
        {
            return null;
        }
        List<(long, long)> buckets = [];
        long last = long.MinValue;
        foreach (string pair in f[4].Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            int colon = pair.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0
                || !long.TryParse(pair.AsSpan(0, colon), NumberStyles.Integer, CultureInfo.InvariantCulture, out long upper)
                || !long.TryParse(pair.AsSpan(colon + 1), NumberStyles.Integer, CultureInfo.InvariantCulture, out long count)
                || upper <= last || count <= 0)
            {
                return null;
            }
            buckets.Add((upper, count));
            last = upper;
        }
        return (f[0], new LatencyBuckets(f[1], nsPerTick, max, buckets));
    }
}
