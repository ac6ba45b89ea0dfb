using System.Text.RegularExpressions;

namespace Workbench.Allocator.Tests;

/// <summary>
/// The probe's command line: every scenario name the tests start is one the probe has registered, and a name it
/// does not know is refused with exit code 2 (so a misspelt name fails as itself, not as a missing KEY).
/// </summary>
public partial class ProbeRegistryTests
{
    private const string UnknownScenario = "no-such-scenario";

    /// <summary>A call that starts the probe; the first argument, when a string literal, is the scenario's name.</summary>
    [GeneratedRegex("""Probe\.(?:Run|RunDebugBuild)\(\s*(?:"(?<name>[^"]*)")?""")]
    private static partial Regex ProbeCallRegex();

    /// <summary>The names the probe prints for <c>--list</c>, in the order it prints them.</summary>
    private static List<string> RegisteredScenarios()
    {
        var r = Probe.Run("--list");
        r.AssertRan();
        return [.. r.Lines.Where(l => l.Key == "SCENARIO").Select(l => l.Value)];
    }

    /// <summary>The folder of this test project's sources, found above the test assembly's folder.</summary>
    private static DirectoryInfo TestSources()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Workbench.Allocator.Tests.csproj")))
                return dir;
        throw new DirectoryNotFoundException($"no folder above {AppContext.BaseDirectory} holds Workbench.Allocator.Tests.csproj");
    }

    [Fact]
    public void TheProbe_ListsItsScenarios_EachNameOnce()
    {
        var names = RegisteredScenarios();
        Assert.NotEmpty(names);
        Assert.Equal(names.Count, names.Distinct(StringComparer.Ordinal).Count());
        Assert.DoesNotContain(UnknownScenario, names);
    }

    [Fact]
    public void EveryScenarioTheTestsRun_IsRegisteredInTheProbe()
    {
        var registered = RegisteredScenarios().ToHashSet(StringComparer.Ordinal);
        var used = new SortedSet<string>(StringComparer.Ordinal);
        var notLiteral = new List<string>();
        foreach (var file in TestSources().EnumerateFiles("*.cs", SearchOption.AllDirectories))
        {
            string relative = Path.GetRelativePath(TestSources().FullName, file.FullName);
            // This file starts the probe with names that are not scenarios on purpose; bin and obj hold no sources.
            if (file.Name == nameof(ProbeRegistryTests) + ".cs" || relative.StartsWith("bin", StringComparison.Ordinal) || relative.StartsWith("obj", StringComparison.Ordinal))
                continue;
            foreach (Match m in ProbeCallRegex().Matches(File.ReadAllText(file.FullName)))
            {
                if (m.Groups["name"].Success)
                    used.Add(m.Groups["name"].Value);
                else
                    notLiteral.Add($"{relative}: {m.Value}");
            }
        }
        Assert.True(notLiteral.Count == 0, "give the scenario's name as a string literal, so that this test can check it:\n" + string.Join("\n", notLiteral));
        Assert.NotEmpty(used);
        var missing = used.Where(name => !registered.Contains(name)).ToList();
        Assert.True(missing.Count == 0, $"the tests run scenarios the probe does not have: {string.Join(", ", missing)}");
    }

    [Fact]
    public void TheProbe_RefusesAnUnknownScenario_WithExitCode2()
    {
        var r = Probe.Run(UnknownScenario);
        Assert.True(r.ExitCode == 2, $"expected exit code 2\n{r.Describe()}");
        Assert.False(r.Values.ContainsKey("DONE"), r.Describe());
        Assert.Contains($"unknown scenario '{UnknownScenario}'", r.Stderr, StringComparison.Ordinal);
    }
}
