using Workbench.Benchmarks.Model;

namespace Workbench.Benchmarks.Results;

/// <summary>
/// Combines the <c>results.csv</c> of several shards (or runs) into one: the union of their columns, one row
/// per trial (a trial in several inputs keeps its ok row over others, else the first one seen), and the chosen trials'
/// memory series (<c>series.csv</c>) and latency histograms (<c>latency.csv</c>) of inputs that are run folders.
/// </summary>
public static class ResultsMerge
{
    /// <summary>Merges <paramref name="inputs"/> (results files or run folders) into <paramref name="output"/>; returns the rows written.</summary>
    /// <exception cref="UsageException">An input is missing or the output exists.</exception>
    public static int Merge(IReadOnlyList<string> inputs, string output)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        if (inputs.Count == 0)
        {
            throw new UsageException("nothing to merge: write workbench merge OUT_FOLDER RUN1 RUN2 ...");
        }
        string outputFile = Directory.Exists(output) || !output.EndsWith(".csv", StringComparison.Ordinal) ? Path.Combine(output, "results.csv") : output;
        if (File.Exists(outputFile))
        {
            throw new UsageException($"'{outputFile}' already exists: merge into a new folder, e.g. data/runs/merged");
        }
        Dictionary<string, (ResultRow Row, string? Folder)> chosen = new(StringComparer.Ordinal);
        List<string> order = [];
        foreach (string input in inputs)
        {
            string file = Directory.Exists(input) ? Path.Combine(input, "results.csv") : input;
            if (!File.Exists(file))
            {
                throw new UsageException($"no results at '{input}': give run folders (data/runs/NAME) or results.csv files");
            }
            ResultsFile results = ResultsFile.Read(file);
            if (results.Problems.Count > 0)
            {
                // A merge writes a new file: a line left out here would be lost from it without a word.
                throw new UsageException($"{results.Problems[0]}; then merge again");
            }
            string? folder = Directory.Exists(input) ? input : null;
            foreach (ResultRow row in results.Rows)
            {
                if (!chosen.TryGetValue(row.Key, out var existing))
                {
                    chosen[row.Key] = (row, folder);
                    order.Add(row.Key);
                }
                else if (existing.Row.Status != TrialStatus.Ok && row.Status == TrialStatus.Ok)
                {
                    chosen[row.Key] = (row, folder);
                }
            }
        }
        string? directory = Path.GetDirectoryName(Path.GetFullPath(outputFile));
        if (directory is not null)
        {
            Directory.CreateDirectory(directory);
        }
        ResultsFile merged = new(outputFile);
        Dictionary<string, Dictionary<string, List<SeriesLine>>> series = new(StringComparer.Ordinal);
        Dictionary<string, Dictionary<string, List<LatencyBuckets>>> latency = new(StringComparer.Ordinal);
        foreach (string key in order)
        {
            (ResultRow row, string? folder) = chosen[key];
            // The chosen trial's memory series and latency histograms come along from the folder its row came from.
            if (folder is not null && directory is not null)
            {
                if (!series.TryGetValue(folder, out Dictionary<string, List<SeriesLine>>? ofFolder))
                {
                    series[folder] = ofFolder = SeriesFile.Read(folder);
                }
                if (ofFolder.TryGetValue(row.TrialName, out List<SeriesLine>? lines))
                {
                    SeriesFile.AppendLines(directory, row.TrialName, lines);
                }
                if (!latency.TryGetValue(folder, out Dictionary<string, List<LatencyBuckets>>? histogramsOfFolder))
                {
                    latency[folder] = histogramsOfFolder = LatencyFile.Read(folder);
                }
                if (histogramsOfFolder.TryGetValue(row.TrialName, out List<LatencyBuckets>? histograms))
                {
                    LatencyFile.AppendLines(directory, row.TrialName, histograms);
                }
            }
            // The row's own values: a knob or metric column it has no value in (its input had the column for other
            // rows) is left out, so that the merged header has only the columns some chosen row fills.
            Dictionary<string, string> values = new(StringComparer.Ordinal);
            foreach ((string column, string value) in row.Values)
            {
                if (value.Length > 0 || ResultColumns.Fixed.Contains(column) || ResultColumns.Bookkeeping.Contains(column))
                {
                    values[column] = value;
                }
            }
            merged.Append(new ResultRow(values, row.KnobColumns));
        }
        return order.Count;
    }
}
