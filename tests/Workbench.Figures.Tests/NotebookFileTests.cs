using System.Text.Json;
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
    public void TheSuggestedSetIsThere()
    {
        string[] names = [.. Directory.GetFiles(Path.Combine(Root, "notebooks"), "*.ipynb").Select(p => Path.GetFileNameWithoutExtension(p))];
        // The suggested set (others may follow).
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

    private static string Source(JsonElement cell) =>
        string.Concat(cell.GetProperty("source").EnumerateArray().Select(l => l.GetString()));
}
