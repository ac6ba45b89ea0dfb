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
    public void AMissingRunIsAUsageError()
    {
        StringWriter error = new();
        int code = CliApp.Run(["figures", Path.Combine(_output, "no-such-run")], new StringWriter(), error);
        Assert.Equal(2, code);
        Assert.Contains("no results at", error.ToString(), StringComparison.Ordinal);
    }
}
