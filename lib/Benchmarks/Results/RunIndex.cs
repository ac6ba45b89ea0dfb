using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Workbench.Benchmarks.Model;

namespace Workbench.Benchmarks.Results;

/// <summary>
/// <c>data/runs/INDEX.md</c>: one line per run folder, from its <c>metadata.json</c> (name, experiment, commit, date)
/// and <c>results.csv</c> (trials), with the files of the repository that cite it. <c>workbench index</c> writes it;
/// a test fails when the committed one is not what the runs and the documents say now.
/// </summary>
public static class RunIndex
{
    /// <summary>The file inside the runs folder.</summary>
    public const string FileName = "INDEX.md";

    /// <summary>Where citations are looked for, relative to the repository root: the documents, notebooks, experiments and code.</summary>
    private static readonly string[] s_citingFolders = ["docs", "notebooks", "data/experiments", "data/traces", "lib", "cli", "tests"];

    /// <summary>The index of the run folders in <paramref name="runsFolder"/>, citations looked for under <paramref name="repositoryRoot"/>.</summary>
    public static string Build(string runsFolder, string repositoryRoot)
    {
        ArgumentNullException.ThrowIfNull(runsFolder);
        ArgumentNullException.ThrowIfNull(repositoryRoot);
        List<string> runs = [.. Directory.GetDirectories(runsFolder).Select(Path.GetFileName).OfType<string>()
            .Where(n => !n.StartsWith("quick-", StringComparison.Ordinal) && File.Exists(Path.Combine(runsFolder, n, "results.csv")))
            .Order(StringComparer.Ordinal)];
        Dictionary<string, string> documents = Documents(repositoryRoot);
        StringBuilder text = new();
        text.Append("# data/runs: the runs kept, and what cites them\n\n")
            .Append("Written by `workbench index` from each run's `metadata.json` and `results.csv`; a test fails when it is out of date.\n")
            .Append("A run no document cites is kept for a reason its commit gives; superseded runs are removed and live on in git history.\n\n")
            .Append("| run | experiment | commit | started (UTC) | trials (ok) | cited by |\n")
            .Append("|---|---|---|---|---:|---|\n");
        foreach (string run in runs)
        {
            (string experiment, string commit, string created) = Metadata(Path.Combine(runsFolder, run, RunMetadata.FileName));
            ResultsFile results = ResultsFile.Read(Path.Combine(runsFolder, run, "results.csv"));
            if (results.Problems.Count > 0)
            {
                // The index counts a run's trials: a line left out would be a trial miscounted without a word.
                throw new UsageException($"{results.Problems[0]}; then write the index again");
            }
            int ok = results.Rows.Count(r => r.Status == TrialStatus.Ok);
            Regex cites = new($@"runs/{Regex.Escape(run)}(?![\w.-])");
            string citedBy = string.Join(", ", documents.Where(d => cites.IsMatch(d.Value)).Select(d => $"`{d.Key}`"));
            text.Append(CultureInfo.InvariantCulture, $"| `{run}` | {experiment} | `{commit}` | {created} | {results.Rows.Count} ({ok}) | {(citedBy.Length == 0 ? "-" : citedBy)} |\n");
        }
        return text.ToString();
    }

    /// <summary>Writes the index into <paramref name="runsFolder"/>; returns its path.</summary>
    public static string Write(string runsFolder, string repositoryRoot)
    {
        string path = Path.Combine(runsFolder, FileName);
        File.WriteAllText(path, Build(runsFolder, repositoryRoot));
        return path;
    }

    /// <summary>Every text file that may cite a run, by path relative to the root (the README and the folders above).</summary>
    private static Dictionary<string, string> Documents(string root)
    {
        Dictionary<string, string> documents = new(StringComparer.Ordinal);
        string readme = Path.Combine(root, "README.md");
        if (File.Exists(readme))
        {
            documents["README.md"] = File.ReadAllText(readme);
        }
        foreach (string folder in s_citingFolders.Select(f => Path.Combine(root, f)).Where(Directory.Exists))
        {
            foreach (string file in Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
                .Where(f => Path.GetExtension(f) is ".md" or ".cs" or ".ipynb" or ".yaml" or ".c" or ".sh"
                    && !f.Contains("/bin/", StringComparison.Ordinal) && !f.Contains("/obj/", StringComparison.Ordinal))
                .Order(StringComparer.Ordinal))
            {
                documents[Path.GetRelativePath(root, file).Replace('\\', '/')] = File.ReadAllText(file);
            }
        }
        return documents;
    }

    private static (string Experiment, string Commit, string Created) Metadata(string path)
    {
        if (!File.Exists(path))
        {
            return ("-", "-", "-");
        }
        JsonDocument json;
        try
        {
            json = JsonDocument.Parse(File.ReadAllText(path));
        }
        catch (JsonException bad)
        {
            string reason = bad.Message.Split(" Path:")[0].Split(" LineNumber:")[0].TrimEnd('.', ' ');
            throw new UsageException($"{path}:{(bad.LineNumber ?? 0) + 1}: not valid JSON ({reason}): fix it, or delete it and the index shows '-' for the run");
        }
        using JsonDocument document = json;
        JsonElement root = json.RootElement;
        string experiment = root.TryGetProperty("experiment", out JsonElement e) ? e.GetString() ?? "-"
            : root.TryGetProperty("parameters", out JsonElement p) && p.TryGetProperty("name", out JsonElement n) ? n.GetString() ?? "-" : "-";
        string commit = root.TryGetProperty("git_commit", out JsonElement c) ? Short(c.GetString() ?? "-") : "-";
        string created = root.TryGetProperty("created_utc", out JsonElement t) ? (t.GetString() ?? "-").Replace('T', ' ').TrimEnd('Z') : "-";
        return (experiment, commit, created);
    }

    private static string Short(string commit) =>
        commit.Length >= 7 && commit.All(ch => char.IsAsciiHexDigit(ch) || ch == '-' || char.IsAsciiLetterLower(ch))
            ? commit[..7] + (commit.EndsWith("-dirty", StringComparison.Ordinal) ? "+" : "")
            : commit;
}
