using System.Text.Json;
using System.Text.RegularExpressions;
using Workbench.Figures;

namespace Workbench.Figures.Tests;

/// <summary>The notebooks as committed: no outputs, the shared set-up first, parameters in one cell at the top.</summary>
public sealed class NotebookFileTests
{
    private static string Root
    {
        get
        {
            for (DirectoryInfo? d = new(AppContext.BaseDirectory); d is not null; d = d.Parent)
            {
                if (File.Exists(Path.Combine(d.FullName, "Workbench.sln")))
                {
                    return d.FullName;
                }
            }
            throw new InvalidOperationException("no Workbench.sln above the test's folder");
        }
    }

    public static TheoryData<string> Notebooks()
    {
        TheoryData<string> data = [];
        foreach (string path in Directory.GetFiles(Path.Combine(Root, "notebooks"), "*.ipynb").Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetFileName(path));
        }
        return data;
    }

    [Fact]
    public void TheTenNotebooksAreThere_AndTheDocsListEachOfThem()
    {
        string[] names = [.. Directory.GetFiles(Path.Combine(Root, "notebooks"), "*.ipynb").Select(p => Path.GetFileNameWithoutExtension(p)).Order(StringComparer.Ordinal)];
        Assert.Equal(10, names.Length);
        string docs = File.ReadAllText(Path.Combine(Root, "docs", "notebooks.md"));
        Assert.All(names, n => Assert.Contains($"| `{n}` |", docs, StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Notebooks))]
    public void QuickModeScalesTheOneParameterCell_NoCellReadsTheQuickSwitch(string name)
    {
        JsonElement[] code = CodeCells(name);
        Assert.All(code, c => Assert.DoesNotContain("Notebook.Quick", Source(c), StringComparison.Ordinal));
        Assert.Contains("Notebook.ScaleForQuick", Source(code[1]), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Notebooks))]
    public void TheLastCellStatesAConclusionComputedFromTheRun(string name)
    {
        string last = Source(CodeCells(name)[^1]);
        Assert.Contains("Conclusion conclusion = new(", last, StringComparison.Ordinal);
        Assert.Equal("conclusion", last.Trim().Split('\n')[^1].Trim());
        // Computed: every finding comes from a comparison or from an interpolated string of the notebook's numbers.
        Assert.All(Regex.Matches(last, @"\.Add\((?<arg>[^;]*)\);").Select(m => m.Groups["arg"].Value.TrimStart()),
            arg => Assert.False(arg.StartsWith('"'), $"a finding written in advance: {arg}"));
    }

    [Theory]
    [MemberData(nameof(Notebooks))]
    public void EachRunShowsItsProvenanceUnderItsFirstChart(string name)
    {
        JsonElement[] code = CodeCells(name);
        List<string> runs = [.. code.SelectMany(c => Regex.Matches(Source(c), @"RunData (\w+) = Notebook\.Sweep").Select(m => m.Groups[1].Value))];
        foreach (string run in runs)
        {
            int firstChart = Array.FindIndex(code, c => Regex.IsMatch(LastLine(c), $@"^Charts\.\w+\({run}\b"));
            if (firstChart < 0)
            {
                continue; // a run drawn by no chart (a table only)
            }
            Assert.True(firstChart + 1 < code.Length && Source(code[firstChart + 1]).Trim() == $"RunProvenance.Of({run})",
                $"{name}: the cell after run {run}'s first chart is not RunProvenance.Of({run})");
        }
        Assert.True(runs.Count == 0 || code.Any(c => Source(c).Contains("RunProvenance.Of(", StringComparison.Ordinal)), $"{name} shows no provenance");
    }

    [Theory]
    [MemberData(nameof(Notebooks))]
    public void StatisticsComeFromTheLibrary_NoNotebookDefinesItsOwnMedian(string name)
    {
        Assert.All(CodeCells(name), c =>
        {
            Assert.DoesNotMatch(@"double\s+Median\s*\(", Source(c));
            Assert.DoesNotContain("Describe.Quantile(", Source(c), StringComparison.Ordinal);
        });
    }

    [Fact]
    public void TheSharedSetUpShowsNoMarkdown_AndConnectsTheSweepsToTheKernel()
    {
        string setup = File.ReadAllText(Path.Combine(Root, "notebooks", "setup.dib"));
        // An imported .dib's markdown cell is shown as the importing cell's output.
        Assert.DoesNotContain("#!markdown", setup, StringComparison.Ordinal);
        Assert.Contains("Notebook.ProgressDisplay =", setup, StringComparison.Ordinal);
        Assert.Contains("Notebook.CellCancellation =", setup, StringComparison.Ordinal);
        Assert.DoesNotContain("setup.csx", File.ReadAllText(Path.Combine(Root, "lib", "Figures", "Notebook.cs")), StringComparison.Ordinal);
    }

    [Fact]
    public void TheSuggestedSetIsThere()
    {
        string[] names = [.. Directory.GetFiles(Path.Combine(Root, "notebooks"), "*.ipynb").Select(p => Path.GetFileNameWithoutExtension(p))];
        // The issue's suggested set (others may follow).
        Assert.Subset(names.ToHashSet(StringComparer.Ordinal), new HashSet<string>(StringComparer.Ordinal)
        {
            "01-getting-started", "02-speed-and-churn", "03-false-sharing", "04-memory", "05-latency", "06-allocator-features", "07-ownership", "08-thesis-figures",
        });
        Assert.True(File.Exists(Path.Combine(Root, "notebooks", "setup.dib")));
    }

    [Theory]
    [MemberData(nameof(Notebooks))]
    public void CommittedWithoutOutputsImportingTheSharedSetUpThenParameters(string name)
    {
        using JsonDocument json = JsonDocument.Parse(File.ReadAllText(Path.Combine(Root, "notebooks", name)));
        JsonElement[] cells = [.. json.RootElement.GetProperty("cells").EnumerateArray()];
        JsonElement[] code = [.. cells.Where(c => c.GetProperty("cell_type").GetString() == "code")];
        foreach (JsonElement cell in code)
        {
            Assert.Equal(0, cell.GetProperty("outputs").GetArrayLength());
            Assert.Equal(JsonValueKind.Null, cell.GetProperty("execution_count").ValueKind);
        }
        Assert.Equal("#!import setup.dib", Source(code[0]).Trim());
        Assert.StartsWith("// Parameters", Source(code[1]), StringComparison.Ordinal);
        // Every parameter that sizes an experiment is in that cell: no other cell reads the quick switch.
        Assert.All(code.Skip(2), c => Assert.DoesNotContain("Notebook.Quick ?", Source(c), StringComparison.Ordinal));
        Assert.Equal("markdown", cells[0].GetProperty("cell_type").GetString());
    }

    [Fact]
    public void TablesListEveryPropertyAsAColumn()
    {
        Table table = Table.Of([new { allocator = "cfa", mean_ns = 12.3456, n = 1500L, ok = true }, new { allocator = "glibc", mean_ns = double.NaN, n = 2L, ok = false }]);
        Assert.Equal(["allocator", "mean_ns", "n", "ok"], table.Columns);
        Assert.Equal(["cfa", "12.346", "1,500", "yes"], table.Rows[0]);
        Assert.Equal("-", table.Rows[1][1]);
        Assert.Contains("<th>mean_ns</th>", table.ToHtml(), StringComparison.Ordinal);
    }

    private static JsonElement[] CodeCells(string name)
    {
        using JsonDocument json = JsonDocument.Parse(File.ReadAllText(Path.Combine(Root, "notebooks", name)));
        return [.. json.RootElement.GetProperty("cells").EnumerateArray().Where(c => c.GetProperty("cell_type").GetString() == "code").Select(c => c.Clone())];
    }

    private static string LastLine(JsonElement cell) => Source(cell).Trim().Split('\n')[^1].Trim();

    private static string Source(JsonElement cell) =>
        string.Concat(cell.GetProperty("source").EnumerateArray().Select(l => l.GetString()));
}
