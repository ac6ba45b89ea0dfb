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
        Assert.Contains("speed-chains", names);
        Assert.Contains("peak-rss-kib-relative-to-glibc", names);
        Assert.Contains("peak-allocator-kib-relative-to-glibc", names);
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
            if (figure.Name == "memory-over-time")
            {
                // Small multiples: each allocator is a panel, titled in its colour; the traces are the kinds of memory.
                // The repetition note is an annotation too: the panel titles are the others.
                JsonElement[] titles = [.. json.RootElement.GetProperty("layout").GetProperty("annotations").EnumerateArray()
                    .Where(a => !a.GetProperty("text").GetString()!.StartsWith("n = ", StringComparison.Ordinal))];
                Assert.Equal(figure.Allocators.Select(a => $"<b>{a}</b>"), titles.Select(t => t.GetProperty("text").GetString()));
                Assert.Equal(figure.Allocators.Select(a => Rgb(AllocatorColors.Of(a))), titles.Select(t => Rgb(t.GetProperty("font").GetProperty("color").GetString()!)));
                Assert.Equal(Fixture.Allocators, figure.Allocators);
                continue;
            }
            foreach (string allocator in figure.Allocators)
            {
                // One trace per allocator, or one per allocator and panel (speed-chains: a panel per size), in the legend once.
                JsonElement[] mine = [.. traces.Where(t => t.TryGetProperty("name", out JsonElement n) && n.GetString() == allocator)];
                int panels = figure.Name == "speed-chains" ? 2 : 1;
                Assert.True(mine.Length == panels, $"{figure.Name}: {mine.Length} traces named {allocator}");
                Assert.Single(mine, t => !t.TryGetProperty("showlegend", out JsonElement shown) || shown.GetBoolean());
                string expected = AllocatorColors.Of(allocator);
                Assert.Equal(Rgb(expected), Rgb(ColourOf(mine[0])));
            }
            string[] expectedAllocators = figure.Name.Contains("relative-to-", StringComparison.Ordinal) ? ["cfa", "jemalloc"]
                : figure.Name == "cfa-vs-best-peer" ? ["cfa"]
                : Fixture.Allocators;
            Assert.True(expectedAllocators.SequenceEqual(figure.Allocators), $"{figure.Name}: {string.Join(", ", figure.Allocators)}");
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
            // Small multiples title the x axis under each column's last panel, which need not be the first panel's.
            string x = layout.EnumerateObject().Where(p => p.Name.StartsWith("xaxis", StringComparison.Ordinal)
                    && p.Value.TryGetProperty("title", out JsonElement t) && t.TryGetProperty("text", out _))
                .Select(p => p.Value.GetProperty("title").GetProperty("text").GetString()).FirstOrDefault(t => !string.IsNullOrWhiteSpace(t)) ?? "";
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
        JsonElement cfa = json.RootElement.GetProperty("data").EnumerateArray().Single(t => t.GetProperty("type").GetString() == "bar");
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
        // The dashed line at 1 has a legend entry that says what it is.
        Assert.Contains(json.RootElement.GetProperty("data").EnumerateArray(), t => t.GetProperty("name").GetString() == "best native peer");
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
    public void MemoryOverTimeDrawsOnePanelPerAllocatorWithHeapMmapAndRequestedOverTheBaseline()
    {
        Figure figure = Charts.MemoryOverTime(_fixture.Run)!;
        using JsonDocument json = JsonDocument.Parse(figure.ToJson());
        JsonElement[] traces = [.. json.RootElement.GetProperty("data").EnumerateArray()];
        // Three allocators x three repetitions x (heap, mmap, requested); glibc is the second panel (axes x2, y2).
        Assert.Equal(3 * 3 * 3, traces.Length);
        JsonElement[] glibc = [.. traces.Where(t => t.GetProperty("xaxis").GetString() == "x2")];
        Assert.All(glibc, t => Assert.Equal("y2", t.GetProperty("yaxis").GetString()));
        Assert.Equal(["heap (brk)", "mmap", "requested"], glibc.Take(3).Select(t => t.GetProperty("name").GetString()));
        double[] mmap = [.. glibc[1].GetProperty("y").EnumerateArray().Select(v => v.GetDouble())];
        // The workload's 21 samples only, from 0 over the baseline (not the 40,000 KiB the process had), 1,900 KiB a step.
        Assert.Equal(21, mmap.Length);
        Assert.Equal(0, mmap[0]);
        Assert.Equal(20 * 1900 / 1024.0, mmap[20], 6);
        Assert.Equal(10_000_000 / 1048576.0, glibc[2].GetProperty("y")[20].GetDouble(), 6);
        // Every repetition is drawn, the first one stronger; one y range for all panels; the legend lists each kind once.
        Assert.Equal([0.95, 0.4, 0.4], glibc.Where(t => t.GetProperty("name").GetString() == "mmap").Select(t => t.GetProperty("opacity").GetDouble()));
        JsonElement layout = json.RootElement.GetProperty("layout");
        Assert.Equal(layout.GetProperty("yaxis").GetProperty("range").ToString(), layout.GetProperty("yaxis3").GetProperty("range").ToString());
        Assert.Equal(3, traces.Count(t => !t.TryGetProperty("showlegend", out JsonElement shown) || shown.GetBoolean()));
        Assert.Contains("3 repetitions", figure.Title, StringComparison.Ordinal);
        // Three panels in two columns: the x axis is titled under each column's last panel only (panels 2 and 3, not
        // panel 1, which has panel 3 below it), and the repetition note sits above the panel titles, not on them.
        bool Titled(string axis) => layout.GetProperty(axis).TryGetProperty("title", out JsonElement t) && t.TryGetProperty("text", out _);
        Assert.Equal([false, true, true], new[] { "xaxis", "xaxis2", "xaxis3" }.Select(Titled));
        JsonElement[] notes = [.. layout.GetProperty("annotations").EnumerateArray()];
        JsonElement note = notes.Single(a => a.TryGetProperty("name", out JsonElement n) && n.GetString() == "repetitions");
        JsonElement topTitle = notes.Where(a => a.TryGetProperty("name", out JsonElement n) && n.GetString() == "panel-title").MaxBy(a => a.GetProperty("y").GetDouble());
        Assert.Equal(topTitle.GetProperty("y").GetDouble(), note.GetProperty("y").GetDouble());
        Assert.True(note.GetProperty("yshift").GetDouble() >= 20, "the repetition note overlaps the top panel titles");

        // Normalized time runs from 0 to 1 in every trial.
        using JsonDocument normalized = JsonDocument.Parse(Charts.MemoryOverTime(_fixture.Run, normalizedTime: true)!.ToJson());
        double[] x = [.. normalized.RootElement.GetProperty("data")[0].GetProperty("x").EnumerateArray().Select(v => v.GetDouble())];
        Assert.Equal((0, 1), (x[0], x[^1]));
        // The reader's pick of allocators: one panel.
        Assert.Equal(["cfa"], Charts.MemoryOverTime(_fixture.Run, allocators: ["cfa"])!.Allocators);
    }

    [Fact]
    public void SpeedChainsDrawAPanelPerSizeOfTheRange()
    {
        Figure figure = Charts.SpeedChains(_fixture.Run)!;
        using JsonDocument json = JsonDocument.Parse(figure.ToJson());
        JsonElement[] cfa = [.. json.RootElement.GetProperty("data").EnumerateArray().Where(t => t.GetProperty("name").GetString() == "cfa")];
        Assert.Equal(["x", "x2"], cfa.Select(t => t.GetProperty("xaxis").GetString()));
        // cfa at 16 bytes: malloc 10 x 50/100 + repetition (1, 2, 3): median 5 + 2; at 1040 bytes twice the base: 10 + 2.
        Assert.Equal(["malloc", "free", "malloc-free", "tight malloc-write-free"], cfa[0].GetProperty("x").EnumerateArray().Select(v => v.GetString()));
        Assert.Equal(7, cfa[0].GetProperty("y")[0].GetDouble(), 6);
        Assert.Equal(12, cfa[1].GetProperty("y")[0].GetDouble(), 6);
        Assert.Equal(["<b>16 B</b>", "<b>1040 B</b>", "n = 3 repetitions"], json.RootElement.GetProperty("layout").GetProperty("annotations").EnumerateArray().Select(a => a.GetProperty("text").GetString()));
    }

    [Fact]
    public void ThreadScalingHasALog2ThreadAxisTickedAtTheThreadCounts()
    {
        using JsonDocument json = JsonDocument.Parse(Charts.ThreadScaling(_fixture.Run, "churn")!.ToJson());
        JsonElement x = json.RootElement.GetProperty("layout").GetProperty("xaxis");
        Assert.Equal("log", x.GetProperty("type").GetString());
        Assert.Equal([1, 2], x.GetProperty("tickvals").EnumerateArray().Select(v => v.GetInt32()));
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
    public void ARunWithoutABenchmarkIsAnErrorForEveryChartOfIt()
    {
        Assert.Throws<ChartInputException>(() => Charts.ThreadScaling(_fixture.Run, "larson"));
        Assert.Throws<ChartInputException>(() => Charts.ThreadScaling(_fixture.Run, "churn", configuration: "fixed:3"));
        Assert.Throws<ChartInputException>(() => Charts.MemoryOverTime(_fixture.Run, "mleak"));
        Assert.Throws<ChartInputException>(() => Charts.MemoryOverTime(_fixture.Run, "memory", threads: 64));
        Assert.Throws<ChartInputException>(() => Charts.SpeedRoutines(_fixture.Run, threads: 64));
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
