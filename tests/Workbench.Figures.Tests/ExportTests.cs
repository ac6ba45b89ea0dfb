using System.Buffers.Binary;
using System.Globalization;
using System.Xml.Linq;
using Workbench.Figures;

namespace Workbench.Figures.Tests;

/// <summary>The fixture's figures exported through Chromium once, shared by the export tests.</summary>
public sealed class ExportedFixture : IAsyncLifetime
{
    internal Fixture Data { get; } = new();

    public string Output { get; } = Directory.CreateTempSubdirectory("figures-export-").FullName;

    public List<Figure> Figures { get; private set; } = [];

    public List<string> Files { get; } = [];

    public async Task InitializeAsync()
    {
        // Setup (scripts/setup-figures.sh) installs Debian's chromium: without it these tests fail with its message.
        Assert.True(Chromium.Find() is not null, Chromium.MissingMessage);
        Figures = RunFigures.All(Data.Run, "glibc");
        await using FigureExporter exporter = new();
        foreach (Figure figure in Figures)
        {
            // Every figure as SVG (checked below); the other formats for two of them (they come from the same render).
            ExportFormats formats = figure.Name is "churn-threads" or "relative-to-glibc" ? ExportFormats.All : ExportFormats.Svg;
            Files.AddRange(await exporter.ExportAsync(figure, Output, formats));
        }
    }

    public Task DisposeAsync()
    {
        Data.Dispose();
        Directory.Delete(Output, recursive: true);
        return Task.CompletedTask;
    }
}

/// <summary>Exported files are real figures: SVG that parses with one trace per allocator, PNG, PDF, offline HTML.</summary>
public sealed class ExportTests(ExportedFixture exported) : IClassFixture<ExportedFixture>
{
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";

    [Fact]
    public void EachSvgParsesAndHasOneTracePerAllocatorInItsColour()
    {
        Assert.NotEmpty(exported.Figures);
        foreach (Figure figure in exported.Figures)
        {
            string path = Path.Combine(exported.Output, figure.Name + ".svg");
            XDocument svg = XDocument.Load(path);
            Assert.Equal(Svg + "svg", svg.Root!.Name);
            Assert.Equal(figure.Width.ToString(CultureInfo.InvariantCulture), svg.Root.Attribute("width")!.Value);
            List<XElement> traceGroups = [.. svg.Descendants(Svg + "g").Where(g => ((string?)g.Attribute("class") ?? "").StartsWith("trace ", StringComparison.Ordinal))];
            string text = svg.ToString();
            if (figure.Name.Contains("sizes-threads", StringComparison.Ordinal))
            {
                // A heatmap: one allocator, drawn as one image, with its colour bar titled.
                Assert.Single(svg.Descendants(Svg + "g"), g => (string?)g.Attribute("class") == "hm");
                Assert.Contains("relative to glibc", text, StringComparison.Ordinal);
                continue;
            }
            Assert.Equal(figure.TraceNames.Count, traceGroups.Count);
            List<string> legend = [.. svg.Descendants(Svg + "text").Where(t => (string?)t.Attribute("class") == "legendtext").Select(t => t.Value)];
            // Small multiples (memory over time) title each allocator's panel instead of listing it in the legend.
            bool panels = figure.Name.EndsWith("-over-time", StringComparison.Ordinal);
            List<string> titles = [.. svg.Descendants(Svg + "text").Where(t => ((string?)t.Attribute("class") ?? "").Contains("annotation-text", StringComparison.Ordinal)).Select(t => t.Value)];
            foreach (string allocator in figure.Allocators)
            {
                Assert.True((panels ? titles : legend).Count(l => l == allocator) == 1, $"{figure.Name}: legend {string.Join(",", legend)}, panels {string.Join(",", titles)} lack {allocator}");
                Assert.Contains(Rgb(AllocatorColors.Of(allocator)), text, StringComparison.Ordinal);
            }
            // Axis titles are drawn (small multiples title the x axis of each column's last panel: x2title, x3title, ...).
            Assert.Contains(svg.Descendants(Svg + "text"), t => System.Text.RegularExpressions.Regex.IsMatch((string?)t.Attribute("class") ?? "", @"^x\d*title$") && t.Value.Length > 0);
            Assert.Contains(svg.Descendants(Svg + "text"), t => (string?)t.Attribute("class") == "ytitle" && t.Value.Length > 0);
        }
    }

    [Fact]
    public void PngIsTwiceTheCssSize()
    {
        Figure figure = exported.Figures.First(f => f.Name == "churn-threads");
        byte[] png = File.ReadAllBytes(Path.Combine(exported.Output, "churn-threads.png"));
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, png[..4]);
        Assert.Equal(figure.Width * 2, BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16, 4)));
        Assert.Equal(figure.Height * 2, BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(20, 4)));
        Assert.True(png.Length > 20_000, "a chart, not a blank page");
    }

    [Fact]
    public void PdfIsOnePage()
    {
        string pdf = File.ReadAllText(Path.Combine(exported.Output, "relative-to-glibc.pdf"), System.Text.Encoding.Latin1);
        Assert.StartsWith("%PDF-", pdf, StringComparison.Ordinal);
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(pdf, @"/Type\s*/Page[^s]"));
    }

    [Fact]
    public void EveryFormatAskedForWasWritten()
    {
        foreach (string extension in new[] { ".html", ".svg", ".png", ".pdf" })
        {
            Assert.Contains(exported.Files, f => f.EndsWith("churn-threads" + extension, StringComparison.Ordinal));
        }
        Assert.Equal(exported.Figures.Count, exported.Files.Count(f => f.EndsWith(".svg", StringComparison.Ordinal)));
    }

    private static string Rgb(string hex) =>
        string.Create(CultureInfo.InvariantCulture, $"rgb({Convert.ToInt32(hex[1..3], 16)}, {Convert.ToInt32(hex[3..5], 16)}, {Convert.ToInt32(hex[5..7], 16)})");
}
