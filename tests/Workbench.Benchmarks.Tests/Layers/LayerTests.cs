using System.Text.RegularExpressions;

namespace Workbench.Benchmarks.Tests.Layers;

/// <summary>
/// The namespaces of lib/Benchmarks form layers that point one way: no namespace uses another that uses it back, and
/// each uses only the layers below it in the order lib/Benchmarks/README.md lists them.
/// </summary>
public sealed partial class LayerTests
{
    private static string BenchmarksFolder =>
        RepositoryPaths.FindFolder("lib/Benchmarks") ?? throw new InvalidOperationException("lib/Benchmarks not found above the test's folder");

    [Fact]
    public void NoNamespaceOfTheBenchmarkSuiteUsesOneThatUsesItBack()
    {
        NamespaceGraph graph = NamespaceGraph.OfFolder(BenchmarksFolder);
        List<string> cycles = graph.Cycles();
        Assert.True(cycles.Count == 0, "namespaces of lib/Benchmarks that use each other in a circle:\n" + string.Join("\n", cycles));
    }

    [Fact]
    public void EachNamespaceUsesOnlyTheLayersBelowItInTheReadmesOrder()
    {
        NamespaceGraph graph = NamespaceGraph.OfFolder(BenchmarksFolder);
        List<string> layers = LayerOrder();
        Assert.True(layers.Order(StringComparer.Ordinal).SequenceEqual(graph.Namespaces),
            $"lib/Benchmarks/README.md lists the layers {string.Join(", ", layers)}; the namespaces are {string.Join(", ", graph.Namespaces)}");
        List<string> upward = [.. graph.Edges.Where(e => layers.IndexOf(e.To) <= layers.IndexOf(e.From))
            .Select(e => $"{e.From} uses {e.To}, which the README lists above it, at {e.Where}")];
        Assert.True(upward.Count == 0, string.Join("\n", upward));
    }

    [Fact]
    public void TheGraphSeesUsingsQualifiedNamesSiblingShortFormsAndCrefs_ButNotComments()
    {
        NamespaceGraph graph = NamespaceGraph.Of(
        [
            ("A/One.cs", "namespace Workbench.Benchmarks.A;\npublic sealed class One { Workbench.Benchmarks.B.Two? _two; }\n"),
            ("B/Two.cs", "using Workbench.Benchmarks.C;\nnamespace Workbench.Benchmarks.B;\npublic readonly record struct Two(int X);\n"),
            ("C/Three.cs", "namespace Workbench.Benchmarks.C;\n/// <see cref=\"D.Four\"/>\npublic enum Three { X = E.Five.Value }\n"),
            ("D/Four.cs", "namespace Workbench.Benchmarks.D;\n// A.One is only mentioned here, and x.A.One is a member.\npublic interface Four { int A => x.A.One; }\n"),
            ("E/Five.cs", "namespace Workbench.Benchmarks.E;\npublic static class Five { public const int Value = 1; public static int Count => A.Count; }\n"),
            ("Root.cs", "namespace Workbench.Benchmarks;\npublic static class Root { }\n"),
        ]);
        Assert.Equal(["A", "B", "C", "D", "E", NamespaceGraph.Root], graph.Namespaces);
        Assert.Equal(["A->B", "B->C", "C->D", "C->E"], graph.Edges.Select(e => $"{e.From}->{e.To}"));
        Assert.Equal("B/Two.cs:1", graph.Uses("B")["C"]);
        Assert.Empty(graph.Cycles());
    }

    [Fact]
    public void ACycleIsNamedWithWhereEachOfItsUsesIs()
    {
        NamespaceGraph graph = NamespaceGraph.Of(
        [
            ("A/One.cs", "using Workbench.Benchmarks.B;\nnamespace Workbench.Benchmarks.A;\npublic class One { }\n"),
            ("B/Two.cs", "namespace Workbench.Benchmarks.B;\npublic class Two { C.Three? _three; }\n"),
            ("C/Three.cs", "namespace Workbench.Benchmarks.C;\npublic class Three { A.One? _one; }\n"),
            ("D/Four.cs", "namespace Workbench.Benchmarks.D;\npublic class Four { A.One? _one; }\n"),
        ]);
        Assert.Equal(["A -> B -> C -> A   [A -> B at A/One.cs:1; B -> C at B/Two.cs:2; C -> A at C/Three.cs:2]"], graph.Cycles());
    }

    /// <summary>The layers as lib/Benchmarks/README.md lists them, top first: the numbered items of its Layers section.</summary>
    private static List<string> LayerOrder()
    {
        string readme = File.ReadAllText(Path.Combine(BenchmarksFolder, "README.md"));
        Match section = LayersSection().Match(readme);
        Assert.True(section.Success, "lib/Benchmarks/README.md has no '## Layers' section");
        List<string> layers = [.. LayerItem().Matches(section.Value).Select(m => m.Groups["name"].Value)];
        Assert.NotEmpty(layers);
        return layers;
    }

    [GeneratedRegex(@"^## Layers\n(?:(?!^## ).*\n?)*", RegexOptions.Multiline)]
    private static partial Regex LayersSection();

    [GeneratedRegex(@"^\d+\. `(?<name>[\w.]+)`", RegexOptions.Multiline)]
    private static partial Regex LayerItem();
}
