using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Workbench.Benchmarks.Model;
using Workbench.Benchmarks.Results;

namespace Workbench.Figures;

/// <summary>The results of one run, as figures read them: the rows of <c>results.csv</c> and the memory series.</summary>
public sealed class RunData
{
    private RunData(string name, string? directory, IReadOnlyList<ResultRow> rows)
    {
        Name = name;
        Directory = directory;
        Rows = rows;
        Ok = [.. rows.Where(r => r.Status == TrialStatus.Ok)];
    }

    /// <summary>The run's name (its folder's name).</summary>
    public string Name { get; }

    /// <summary>The run folder (null for rows built in memory).</summary>
    public string? Directory { get; }

    /// <summary>Every row.</summary>
    public IReadOnlyList<ResultRow> Rows { get; }

    /// <summary>The lines of the results file left out when it was read, each naming its file and line (<see cref="ResultsFile.Problems"/>).</summary>
    public IReadOnlyList<string> Problems { get; private init; } = [];

    /// <summary>The rows whose trial ended ok.</summary>
    public IReadOnlyList<ResultRow> Ok { get; }

    /// <summary>The benchmarks with ok rows, in the order they first appear.</summary>
    public IReadOnlyList<string> Benchmarks => [.. Ok.Select(r => r.Benchmark).Distinct(StringComparer.Ordinal)];

    /// <summary>The allocators with ok rows, in catalogue order.</summary>
    public IReadOnlyList<string> Allocators => [.. AllocatorColors.InCatalogueOrder(Ok.Select(r => r.Allocator))];

    /// <summary>Reads a run folder (or a <c>results.csv</c>).</summary>
    /// <exception cref="FileNotFoundException">There is no results file.</exception>
    public static RunData Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        string file = System.IO.Directory.Exists(path) ? Path.Combine(path, "results.csv") : path;
        if (!File.Exists(file))
        {
            throw new FileNotFoundException($"no results at '{path}': give a run folder such as data/runs/NAME", file);
        }
        string directory = Path.GetDirectoryName(Path.GetFullPath(file))!;
        ResultsFile results = ResultsFile.Read(file);
        return new RunData(Path.GetFileName(directory), directory, results.Rows) { Problems = results.Problems };
    }

    /// <summary>A run from rows in memory (series are read from <paramref name="directory"/> when given).</summary>
    public static RunData FromRows(string name, IEnumerable<ResultRow> rows, string? directory = null) =>
        new(name, directory, [.. rows]);

    /// <summary>The configurations (<see cref="ConfigurationOf"/>) of one benchmark's ok rows, in the order they first appear.</summary>
    public IReadOnlyList<string> Configurations(string benchmark) => [.. Of(benchmark).Select(ConfigurationOf).Distinct(StringComparer.Ordinal)];

    /// <summary>The ok rows of one benchmark.</summary>
    public IReadOnlyList<ResultRow> Of(string benchmark) => [.. Ok.Where(r => r.Benchmark == benchmark)];

    /// <summary>
    /// The run's <c>metadata.json</c> (machine, commit, .NET and allocator versions, the sweep's parameters; see
    /// <see cref="RunMetadata"/>), or null when the run has none (rows built in memory, a results file alone) or it
    /// cannot be read. <see cref="RunProvenance"/> reads it for the line under a run's first chart.
    /// </summary>
    public JsonObject? Metadata
    {
        get
        {
            if (!_metadataRead)
            {
                _metadataRead = true;
                string? path = Directory is null ? null : Path.Combine(Directory, RunMetadata.FileName);
                if (path is not null && File.Exists(path))
                {
                    try
                    {
                        _metadata = JsonNode.Parse(File.ReadAllText(path)) as JsonObject;
                    }
                    catch (JsonException)
                    {
                        _metadata = null;
                    }
                }
            }
            return _metadata;
        }
    }

    private JsonObject? _metadata;
    private bool _metadataRead;

    /// <summary>The memory series of a row's trial, empty when it has none (<see cref="SeriesFile"/>).</summary>
    public IReadOnlyList<SeriesLine> Series(ResultRow row) => OfTrial(row, ref _series, SeriesFile.Read);

    private Dictionary<string, List<SeriesLine>>? _series;

    /// <summary>The latency histograms of a row's trial (<see cref="LatencyFile"/>), empty when it has none.</summary>
    /// <exception cref="InvalidDataException">The run's <c>latency.csv</c> has a line that is not a histogram.</exception>
    public IReadOnlyList<LatencyBuckets> Latency(ResultRow row) => OfTrial(row, ref _latency, LatencyFile.Read);

    private Dictionary<string, List<LatencyBuckets>>? _latency;

    /// <summary>A row's trial's entries of one per-trial file of the run folder, the file read once (nothing for rows in memory).</summary>
    private List<T> OfTrial<T>(ResultRow row, ref Dictionary<string, List<T>>? byTrial, Func<string, Dictionary<string, List<T>>> read)
    {
        ArgumentNullException.ThrowIfNull(row);
        if (Directory is null)
        {
            return [];
        }
        byTrial ??= read(Directory);
        return byTrial.TryGetValue(row.TrialName, out List<T>? entries) ? entries : [];
    }

    /// <summary>A row's configuration apart from threads: sizes and knobs (used to keep one line per configuration).</summary>
    public static string ConfigurationOf(ResultRow row)
    {
        ArgumentNullException.ThrowIfNull(row);
        return string.Join(" ", new[] { row.Sizes }.Concat(row.Knobs.Select(k => $"{k.Key}={k.Value.ToString(CultureInfo.InvariantCulture)}")));
    }

    /// <summary>
    /// Short names for configurations of one benchmark, for a chart's axis: each keeps only the words (size spec,
    /// knob settings) in which it differs from the others, and a trace or size file is named by its file name
    /// (<c>trace:data/traces/sqlite3.trace max_events=... verify=0</c> becomes <c>sqlite3</c>). Returns a name
    /// for every configuration given, in the same order.
    /// </summary>
    public static IReadOnlyList<string> ShortConfigurationNames(IReadOnlyList<string> configurations)
    {
        ArgumentNullException.ThrowIfNull(configurations);
        List<string[]> words = [.. configurations.Select(c => c.Split(' ', StringSplitOptions.RemoveEmptyEntries))];
        HashSet<string> common = words.Count > 1
            ? words.Skip(1).Aggregate(new HashSet<string>(words[0], StringComparer.Ordinal), (set, w) => { set.IntersectWith(w); return set; })
            : [];
        return [.. words.Select((w, i) =>
        {
            string[] kept = [.. w.Where(word => !common.Contains(word)).Select(ShortWord)];
            return kept.Length > 0 ? string.Join(" ", kept) : configurations[i];
        })];

        static string ShortWord(string word)
        {
            foreach (string prefix in new[] { "trace:", "file:" })
            {
                if (word.StartsWith(prefix, StringComparison.Ordinal))
                {
                    return Path.GetFileNameWithoutExtension(word[prefix.Length..]);
                }
            }
            // A real program's name alone (its configurations are one per program).
            return word.StartsWith("program:", StringComparison.Ordinal) ? word["program:".Length..] : word;
        }
    }
}
