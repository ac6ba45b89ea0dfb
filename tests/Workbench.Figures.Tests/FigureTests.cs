using System.Text.Json;
using Workbench.Benchmarks.Analysis;
using Workbench.Figures;

namespace Workbench.Figures.Tests;

/// <summary>Figures built from the fixture: traces per allocator, colours, axis titles, the numbers drawn.</summary>
public sealed class FigureTests : IDisposable
{
    private readonly Fixture _fixture = new();

    public void Dispose() => _fixture.Dispose();

    [Fact]
    public void EveryChartTypeIsBuiltFromTheFixture()
    {
        List<Figure> figures = RunFigures.All(_fixture.Run, "glibc");
        string[] names = [.. figures.Select(f => f.Name)];
        Assert.Contains("relative-to-glibc", names);
        Assert.Contains("cfa-vs-best-peer", names);
        Assert.Contains("churn-threads", names);
        Assert.Contains("churn-repetitions", names);
        Assert.Contains("cache-thrash-speedup", names);
        Assert.Contains("memory-over-time", names);
        Assert.Contains("latency-malloc-percentiles", names);
        Assert.Contains("latency-malloc-cdf", names);
        Assert.Contains("latency-free-cdf", names);
        Assert.Contains("churn-cfa-sizes-threads", names);
        Assert.Contains("speed-routines", names);
        Assert.Equal(names.Length, names.Distinct().Count());
    }

    [Fact]
    public void EachAllocatorHasOneNamedTraceInItsOwnColourInEveryFigure()
    {
        foreach (Figure figure in RunFigures.All(_fixture.Run, "glibc").Where(f => !f.Name.Contains("sizes-threads", StringComparison.Ordinal)))
        {
            using JsonDocument json = JsonDocument.Parse(figure.ToJson());
            JsonElement[] traces = [.. json.RootElement.GetProperty("data").EnumerateArray()];
            foreach (string allocator in figure.Allocators)
            {
                JsonElement[] mine = [.. traces.Where(t => t.TryGetProperty("name", out JsonElement n) && n.GetString() == allocator)];
                Assert.True(mine.Length == 1, $"{figure.Name}: {mine.Length} traces named {allocator}");
                string expected = AllocatorColors.Of(allocator);
                Assert.Equal(Rgb(expected), Rgb(ColourOf(mine[0])));
            }
            string[] expectedAllocators = figure.Name.StartsWith("relative-to-", StringComparison.Ordinal) ? ["cfa", "jemalloc"]
                : figure.Name == "cfa-vs-best-peer" ? ["cfa"]
                : Fixture.Allocators;
            Assert.Equal(expectedAllocators, figure.Allocators);
        }
    }

    [Fact]
    public void ColoursAreFixedPerAllocatorAndDistinct()
    {
        string[] names = ["cfa", "cfa-noown", "cfa-nopf", "cfa-aot", "glibc", "jemalloc", "tcmalloc", "mimalloc", "tbb", "nativememory", "gc", "arraypool", "bump", "lifo"];
        Assert.Equal(names.Length, names.Select(AllocatorColors.Of).Distinct(StringComparer.OrdinalIgnoreCase).Count());
        Assert.Equal(AllocatorColors.Of("some-new-allocator"), AllocatorColors.Of("some-new-allocator"));
    }

    [Fact]
    public void EveryFigureHasATitleAndBothAxisTitlesWithUnits()
    {
        foreach (Figure figure in RunFigures.All(_fixture.Run, "glibc"))
        {
            using JsonDocument json = JsonDocument.Parse(figure.ToJson());
            JsonElement layout = json.RootElement.GetProperty("layout");
            Assert.False(string.IsNullOrWhiteSpace(layout.GetProperty("title").GetProperty("text").GetString()), figure.Name);
            string x = layout.GetProperty("xaxis").GetProperty("title").GetProperty("text").GetString() ?? "";
            string y = layout.GetProperty("yaxis").GetProperty("title").GetProperty("text").GetString() ?? "";
            Assert.False(string.IsNullOrWhiteSpace(x), figure.Name);
            Assert.False(string.IsNullOrWhiteSpace(y), figure.Name);
            // A quantity axis names its unit (ns, MiB, s, operations/s) or says it is a ratio or count.
            Assert.Matches(@"\((ns|MiB|s|million operations/s|ratio|elapsed\(1\) / elapsed\(P\))|\(ns, log scale\)|1 - CDF|threads|benchmark|percentile|size distribution", x + " | " + y);
        }
    }

    [Fact]
    public void ThreadScalingDrawsTheMeanWithStudentTIntervals()
    {
        Figure figure = Charts.ThreadScaling(_fixture.Run, "churn", Measure.Time)!;
        using JsonDocument json = JsonDocument.Parse(figure.ToJson());
        JsonElement cfa = json.RootElement.GetProperty("data").EnumerateArray().First(t => t.GetProperty("name").GetString() == "cfa");
        double[] y = [.. cfa.GetProperty("y").EnumerateArray().Select(v => v.GetDouble())];
        // uniform:16-1024 is the first configuration: cfa 50 ns at 1 thread, 25 ns at 2 (jitter -2%, 0, +2%).
        Assert.Equal(50, y[0], 6);
        Assert.Equal(25, y[1], 6);
        SampleSummary expected = Describe.Sample([49, 50, 51]);
        double plus = cfa.GetProperty("error_y").GetProperty("array")[0].GetDouble();
        Assert.Equal(expected.CiHigh - expected.Mean, plus, 6);
        Assert.Equal("log", Charts.LatencyCdf(_fixture.Run)!.ToJson().Contains("\"type\":\"log\"", StringComparison.Ordinal) ? "log" : "linear");
    }

    [Fact]
    public void RelativeBarsOfAnotherColumn_CompareThatColumn()
    {
        // Every fixture row has a peak RSS of 50,000 KiB: every allocator's ratio to glibc is 1, where its time's is not.
        Figure figure = Charts.RelativeToBaseline(_fixture.Run, "glibc", metric: "peak_rss_kib")!;
        Assert.Equal("peak-rss-kib-relative-to-glibc", figure.Name);
        Assert.StartsWith("Peak RSS relative to glibc", figure.Title, StringComparison.Ordinal);
        using JsonDocument json = JsonDocument.Parse(figure.ToJson());
        JsonElement cfa = json.RootElement.GetProperty("data").EnumerateArray().First(t => t.GetProperty("name").GetString() == "cfa");
        Assert.All(cfa.GetProperty("customdata").EnumerateArray(), v => Assert.Equal(1, v.GetDouble(), 9));
        Assert.Contains("peak RSS relative to glibc", figure.ToJson(), StringComparison.Ordinal);
    }

    [Fact]
    public void RelativeBarsStartAtOneAndReachTheRatio()
    {
        Figure figure = Charts.RelativeToBaseline(_fixture.Run, "glibc")!;
        using JsonDocument json = JsonDocument.Parse(figure.ToJson());
        JsonElement cfa = json.RootElement.GetProperty("data").EnumerateArray().First(t => t.GetProperty("name").GetString() == "cfa");
        Assert.Equal(1, cfa.GetProperty("base").GetDouble());
        double[] ratios = [.. cfa.GetProperty("customdata").EnumerateArray().Select(v => v.GetDouble())];
        double[] bars = [.. cfa.GetProperty("y").EnumerateArray().Select(v => v.GetDouble())];
        // cfa's churn times are exactly half of glibc's (same jitter), so every churn ratio is 0.5.
        string[] keys = [.. cfa.GetProperty("x").EnumerateArray().Select(v => v.GetString()!)];
        int churn = Array.FindIndex(keys, k => k.StartsWith("churn", StringComparison.Ordinal));
        Assert.Equal(0.5, ratios[churn], 6);
        Assert.Equal(-0.5, bars[churn], 6);
        Assert.DoesNotContain(json.RootElement.GetProperty("data").EnumerateArray(), t => t.GetProperty("name").GetString() == "glibc");
        // Every allocator's repetitions pair up with glibc's, and the title says how the ratios were taken.
        Assert.Contains("ratios paired by repetition, 95% CI", json.RootElement.GetProperty("layout").GetProperty("title").GetProperty("text").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public void VersusBestPeerDrawsEachConfigurationsPairedRatioAgainstItsBestNativePeer()
    {
        Figure figure = Charts.VersusBestPeer(_fixture.Run, "cfa")!;
        using JsonDocument json = JsonDocument.Parse(figure.ToJson());
        JsonElement cfa = json.RootElement.GetProperty("data").EnumerateArray().Single();
        Assert.Equal("cfa", cfa.GetProperty("name").GetString());
        Assert.Equal(1, cfa.GetProperty("base").GetDouble());
        string[] keys = [.. cfa.GetProperty("x").EnumerateArray().Select(v => v.GetString()!)];
        double[] ratios = [.. cfa.GetProperty("customdata").EnumerateArray().Select(v => v.GetDouble())];
        double[] bars = [.. cfa.GetProperty("y").EnumerateArray().Select(v => v.GetDouble())];
        // One bar per configuration that has cfa and a native peer, in the order and with the numbers of the report.
        List<BestPeerLine> lines = BestPeerComparison.Build(_fixture.Run.Ok, "cfa");
        Assert.Equal(lines.Count, keys.Length);
        for (int i = 0; i < lines.Count; i++)
        {
            Assert.StartsWith(lines[i].Benchmark + " ", keys[i], StringComparison.Ordinal);
            Assert.EndsWith($"({lines[i].Peer})", keys[i], StringComparison.Ordinal);
            Assert.Equal(lines[i].Versus!.Ratio, ratios[i], 9);
            Assert.Equal(lines[i].Versus!.Ratio - 1, bars[i], 9);
        }
        // cfa's churn times are half of glibc's: against whichever native peer is best, cfa's churn bars lie below 1.
        Assert.Contains(keys, k => k.StartsWith("churn", StringComparison.Ordinal));
        Assert.All(keys.Select((k, i) => (k, i)).Where(p => p.k.StartsWith("churn", StringComparison.Ordinal)), p => Assert.True(ratios[p.i] < 1, $"{p.k}: {ratios[p.i]}"));
        // Without cfa in the run there is nothing to draw.
        Assert.Null(Charts.VersusBestPeer(_fixture.Run, "tcmalloc"));
    }

    [Fact]
    public void ConfigurationsAreNamedByWhatTellsThemApart()
    {
        // Trace replays differ only in the trace: the axis names the trace file, not the path and the shared knobs.
        Assert.Equal(
            ["sqlite3", "python3"],
            RunData.ShortConfigurationNames(["trace:data/traces/sqlite3.trace max_events=1000 verify=0", "trace:/abs/python3.trace max_events=1000 verify=0"]));
        // Knob settings that differ stay, shared ones go; a size file is named by its file name.
        Assert.Equal(
            ["fixed:64 batch=10", "fixed:64 batch=100", "sizes batch=100"],
            RunData.ShortConfigurationNames(["fixed:64 batch=10 calls=5", "fixed:64 batch=100 calls=5", "file:data/sizes/sizes.txt batch=100 calls=5"]));
        // A lone configuration keeps its whole name; so do identical ones.
        Assert.Equal(["fixed:64 calls=5"], RunData.ShortConfigurationNames(["fixed:64 calls=5"]));
        Assert.Equal(["python3", "redis"], RunData.ShortConfigurationNames(["program:python3", "program:redis"]));
        Assert.Equal(["fixed:64", "fixed:64"], RunData.ShortConfigurationNames(["fixed:64", "fixed:64"]));
    }

    [Fact]
    public void FalseSharingSpeedupHasTheIdealLineAndSpeedupsFromElapsedTime()
    {
        Figure figure = Charts.FalseSharingSpeedup(_fixture.Run, "cache-thrash")!;
        using JsonDocument json = JsonDocument.Parse(figure.ToJson());
        JsonElement[] traces = [.. json.RootElement.GetProperty("data").EnumerateArray()];
        JsonElement ideal = traces.First(t => t.GetProperty("name").GetString() == "ideal (P-fold)");
        Assert.Equal([1.0, 2.0], ideal.GetProperty("y").EnumerateArray().Select(v => v.GetDouble()));
        JsonElement cfa = traces.First(t => t.GetProperty("name").GetString() == "cfa");
        Assert.Equal(1.9, cfa.GetProperty("y")[1].GetDouble(), 6);
        Assert.Equal(0, cfa.GetProperty("error_y").GetProperty("array")[0].GetDouble());
    }

    [Fact]
    public void MemoryOverTimeReadsTheSeriesInMiB()
    {
        Figure figure = Charts.MemoryOverTime(_fixture.Run)!;
        using JsonDocument json = JsonDocument.Parse(figure.ToJson());
        JsonElement glibc = json.RootElement.GetProperty("data").EnumerateArray().First(t => t.GetProperty("name").GetString() == "glibc");
        double[] y = [.. glibc.GetProperty("y").EnumerateArray().Select(v => v.GetDouble())];
        Assert.Equal(42, y.Length);
        Assert.Equal(40_000 / 1024.0, y[0], 6);
        JsonElement requested = json.RootElement.GetProperty("data").EnumerateArray().First(t => t.GetProperty("name").GetString() == "glibc requested");
        Assert.Equal(10_000_000 / 1048576.0, requested.GetProperty("y")[20].GetDouble(), 6);
    }

    [Fact]
    public void SpeedRoutinesAreTheMediansInNanoseconds()
    {
        Figure figure = Charts.SpeedRoutines(_fixture.Run)!;
        using JsonDocument json = JsonDocument.Parse(figure.ToJson());
        JsonElement cfa = json.RootElement.GetProperty("data").EnumerateArray().First(t => t.GetProperty("name").GetString() == "cfa");
        // cfa: malloc+free 20 ns x 50/100 + repetition (1, 2, 3): median 12, min 11, max 13.
        Assert.Equal("malloc+free", cfa.GetProperty("x")[0].GetString());
        Assert.Equal(12, cfa.GetProperty("y")[0].GetDouble(), 6);
        Assert.Equal(1, cfa.GetProperty("error_y").GetProperty("array")[0].GetDouble(), 6);
    }

    [Fact]
    public void TheRunFolderOnDiskGivesTheSameFigures()
    {
        RunData fromDisk = RunData.Load(_fixture.Directory);
        Assert.Equal(_fixture.Run.Rows.Count, fromDisk.Rows.Count);
        Assert.Equal(RunFigures.All(_fixture.Run).Select(f => f.ToJson()), RunFigures.All(fromDisk).Select(f => f.ToJson()));
    }

    [Fact]
    public void ARunWithoutABenchmarkGivesNoFigureForIt()
    {
        Assert.Null(Charts.ThreadScaling(_fixture.Run, "larson"));
        Assert.Null(Charts.FalseSharingSpeedup(_fixture.Run, "cache-scratch"));
        Assert.Null(Charts.RelativeToBaseline(_fixture.Run, "tcmalloc"));
    }

    [Fact]
    public void HtmlEmbedsPlotlyJsAndLoadsNothingFromTheNetwork()
    {
        Figure figure = Charts.Repetitions(_fixture.Run, "churn")!;
        string html = PlotlyJs.Page(figure);
        Assert.Contains("Plotly.newPlot", html, StringComparison.Ordinal);
        Assert.True(html.Length > 3_000_000, "plotly.js is inlined");
        Assert.DoesNotContain("<script src", html, StringComparison.Ordinal);
        Assert.DoesNotContain("src=\"http", html, StringComparison.Ordinal);
        Assert.DoesNotContain("require.js", html, StringComparison.Ordinal);
    }

    /// <summary>A colour written as #RRGGBB or rgba(r, g, b, a) as its three components.</summary>
    private static (int R, int G, int B) Rgb(string colour)
    {
        if (colour.StartsWith('#'))
        {
            return (Convert.ToInt32(colour[1..3], 16), Convert.ToInt32(colour[3..5], 16), Convert.ToInt32(colour[5..7], 16));
        }
        int[] parts = [.. colour[(colour.IndexOf('(', StringComparison.Ordinal) + 1)..colour.IndexOf(')', StringComparison.Ordinal)]
            .Split(',').Take(3).Select(p => int.Parse(p.Trim(), System.Globalization.CultureInfo.InvariantCulture))];
        return (parts[0], parts[1], parts[2]);
    }

    private static string ColourOf(JsonElement trace)
    {
        foreach (string part in new[] { "marker", "line" })
        {
            if (trace.TryGetProperty(part, out JsonElement p) && p.TryGetProperty("color", out JsonElement c) && c.ValueKind == JsonValueKind.String)
            {
                return c.GetString()!;
            }
        }
        return "";
    }
}

/// <summary>Without Chromium: HTML is still written, and one line names the Debian package.</summary>
public sealed class NoBrowserTests : IDisposable
{
    private readonly Fixture _fixture = new();
    private readonly string _output = Directory.CreateTempSubdirectory("figures-nobrowser-").FullName;

    public void Dispose()
    {
        _fixture.Dispose();
        Directory.Delete(_output, recursive: true);
    }

    [Fact]
    public async Task HtmlIsWrittenAndOneLineSaysWhatToInstall()
    {
        List<Figure> figures = RunFigures.All(_fixture.Run);
        StringWriter log = new();
        await using FigureExporter exporter = FigureExporter.WithoutBrowser();
        Assert.False(exporter.CanRenderStatic);
        List<string> files = await exporter.ExportAllAsync(figures, _output, ExportFormats.All, log);
        Assert.Equal(figures.Select(f => Path.Combine(_output, f.Name + ".html")), files);
        string[] lines = log.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        Assert.Contains("Debian package chromium", lines[0], StringComparison.Ordinal);
        await Assert.ThrowsAsync<InvalidOperationException>(() => exporter.SvgAsync(figures[0]));
    }
}
