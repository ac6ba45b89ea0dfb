using System.Xml.Linq;
using Workbench.Figures;
using Workbench.Figures.Tests;

namespace Workbench.Cli.Tests;

/// <summary><c>workbench figures RUN</c> on a run folder: every figure as HTML, SVG and PNG; the SVGs are real.</summary>
public sealed class FiguresCommandTests : IDisposable
{
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";
    private readonly Fixture _fixture = new();
    private readonly string _output = Directory.CreateTempSubdirectory("figures-cli-").FullName;

    public void Dispose()
    {
        _fixture.Dispose();
        Directory.Delete(_output, recursive: true);
    }

    [Fact]
    public void WritesHtmlSvgAndPngOfEveryFigureWithOneTracePerAllocator()
    {
        Assert.True(Chromium.Find() is not null, Chromium.MissingMessage);
        StringWriter output = new();
        StringWriter error = new();
        int code = CliApp.Run(["figures", _fixture.Directory, "--out", _output, "--formats", "html,svg,png"], output, error);
        Assert.True(code == 0, error.ToString());
        List<Figure> figures = RunFigures.All(_fixture.Run);
        Assert.Contains($"{figures.Count} figures, {3 * figures.Count} files", output.ToString(), StringComparison.Ordinal);
        foreach (Figure figure in figures)
        {
            foreach (string extension in new[] { ".html", ".svg", ".png" })
            {
                Assert.True(File.Exists(Path.Combine(_output, figure.Name + extension)), figure.Name + extension);
            }
            Assert.False(File.Exists(Path.Combine(_output, figure.Name + ".pdf")));
            XDocument svg = XDocument.Load(Path.Combine(_output, figure.Name + ".svg"));
            List<string> legend = [.. svg.Descendants(Svg + "text").Where(t => (string?)t.Attribute("class") == "legendtext").Select(t => t.Value)];
            if (figure.Name.EndsWith("-over-time", StringComparison.Ordinal))
            {
                // Small multiples: the allocators are the panels' titles, the legend lists the kinds of memory.
                legend = [.. svg.Descendants(Svg + "text").Where(t => ((string?)t.Attribute("class") ?? "").Contains("annotation-text", StringComparison.Ordinal)).Select(t => t.Value)];
            }
            if (figure.Allocators.Count > 1)
            {
                Assert.Equal(figure.Allocators, legend.Where(figure.Allocators.Contains));
            }
        }
    }

    [Fact]
    public void AnUnknownFormatIsAUsageErrorOnOneLine()
    {
        StringWriter error = new();
        int code = CliApp.Run(["figures", _fixture.Directory, "--out", _output, "--formats", "svg,gif"], new StringWriter(), error);
        Assert.Equal(2, code);
        Assert.Single(error.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("unknown format 'gif'", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void AnUnknownBaselineFailsWithOneLineListingTheRunsAllocators()
    {
        StringWriter output = new();
        StringWriter error = new();
        int code = CliApp.Run(["figures", _fixture.Directory, "--out", _output, "--formats", "html", "--baseline", "foo"], output, error);
        Assert.Equal(2, code);
        string line = Assert.Single(error.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal("workbench: --baseline foo: the run has no such allocator; write one of cfa, glibc, jemalloc", line);
        Assert.Empty(Directory.GetFiles(_output));
    }

    [Fact]
    public void TheSizeOptionWritesPapersFiguresAtTheirInchesAndOneSharedPlotlyJs()
    {
        Assert.True(Chromium.Find() is not null, Chromium.MissingMessage);
        StringWriter output = new();
        StringWriter error = new();
        int code = CliApp.Run(["figures", _fixture.Directory, "--out", _output, "--formats", "html,png", "--size", "column", "--font-pt", "7"], output, error);
        Assert.True(code == 0, error.ToString());
        byte[] png = File.ReadAllBytes(Path.Combine(_output, "relative-to-glibc.png"));
        // 3.4 inches at 300 dpi.
        Assert.Equal(1020, System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16)));
        string html = File.ReadAllText(Path.Combine(_output, "relative-to-glibc.html"));
        Assert.Contains("\"tickfont\":{\"size\":9.3}", html, StringComparison.Ordinal);
        Assert.True(html.Length < 200_000, $"{html.Length} characters");
        Assert.True(File.Exists(Path.Combine(_output, PlotlyJs.SharedFileName)));
        Assert.Contains(PlotlyJs.SharedFileName, output.ToString(), StringComparison.Ordinal);

        StringWriter bad = new();
        Assert.Equal(2, CliApp.Run(["figures", _fixture.Directory, "--out", _output, "--size", "poster"], new StringWriter(), bad));
        Assert.Contains("--size poster: write one of screen, column, text, slide", bad.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void AMissingRunIsAUsageError()
    {
        StringWriter error = new();
        int code = CliApp.Run(["figures", Path.Combine(_output, "no-such-run")], new StringWriter(), error);
        Assert.Equal(2, code);
        Assert.Contains("no results at", error.ToString(), StringComparison.Ordinal);
    }
}

/// <summary>The main job's summary: cfa against its best peer and glibc, one narrow row per benchmark configuration.</summary>
public sealed class HeadlineSummaryTests : IDisposable
{
    private readonly Fixture _fixture = new();

    public void Dispose() => _fixture.Dispose();

    [Fact]
    public void TheHeadlineHasARowPerConfigurationWithBothRatiosAndTheirIntervalsAndFitsATerminal()
    {
        StringWriter text = new();
        Spectre.Console.IAnsiConsole console = Spectre.Console.AnsiConsole.Create(new Spectre.Console.AnsiConsoleSettings { Out = new Spectre.Console.AnsiConsoleOutput(text) });
        console.Profile.Width = 220;
        Assert.True(Workbench.Cli.Rendering.ReportRenderer.RenderHeadline(console, _fixture.Run.Ok, "cfa", "glibc"));
        string[] lines = text.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        // Five columns: far narrower than the 15-allocator table, within a 120-column terminal.
        Assert.All(lines, l => Assert.True(l.TrimEnd().Length <= 120, $"{l.TrimEnd().Length}: {l}"));
        List<Workbench.Benchmarks.Analysis.BestPeerLine> peers = Workbench.Benchmarks.Analysis.BestPeerComparison.Build(_fixture.Run.Ok, "cfa");
        string[] rows = [.. lines.Where(l => peers.Any(p => l.Contains($" {p.Benchmark} ", StringComparison.Ordinal)) && l.Contains('[', StringComparison.Ordinal))];
        Assert.Equal(peers.Count, rows.Length);
        // cfa's churn is half of glibc's in the fixture: 0.50 against glibc, with an interval, on every churn row.
        Assert.All(rows.Where(r => r.Contains(" churn ", StringComparison.Ordinal)), r => Assert.Matches(@"0\.50 \[0\.\d+, 0\.\d+\]", r));
        Assert.DoesNotContain(lines, l => l.Contains("jemalloc ns", StringComparison.Ordinal));

        Assert.False(Workbench.Cli.Rendering.ReportRenderer.RenderHeadline(console, _fixture.Run.Ok, "tcmalloc", "glibc"));
    }
}
