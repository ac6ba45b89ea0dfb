using System.Buffers.Binary;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Workbench.Figures;

namespace Workbench.Figures.Tests;

/// <summary>
/// Figures fitted to a paper's column or text width or to a slide: the exported PNG has the size's pixels at 300 dpi and
/// the SVG its font in points; paper sizes leave the title out; the screen size is what it was.
/// </summary>
public sealed partial class FigureSizeTests : IDisposable
{
    private readonly Fixture _fixture = new();

    public void Dispose() => _fixture.Dispose();

    [Fact]
    public async Task TheSizeSetsThePngsPixelsAndTheSvgsFont()
    {
        Assert.True(Chromium.Find() is not null, Chromium.MissingMessage);
        Figure screen = Charts.RelativeToBaseline(_fixture.Run, "glibc")!;
        await using FigureExporter exporter = new();
        (int Width, int Height) screenPng = PngSize(await exporter.PngAsync(screen));
        Assert.Equal((2 * screen.Width, 2 * screen.Height), screenPng);
        Assert.Contains(14.0, TickFonts(await exporter.SvgAsync(screen)));

        foreach ((FigureSize size, int widthPx, double fontPx) in new[] { (FigureSize.Column, 1020, 10.7), (FigureSize.Text, 2100, 12), (FigureSize.Slide, 3450, 24) })
        {
            Figure sized = screen.Sized(size);
            (int width, int height) = PngSize(await exporter.PngAsync(sized));
            // 3.4 inches at 300 dpi is 1020 pixels, and so on.
            Assert.Equal(widthPx, width);
            // As tall as the size, and on a narrow figure the rows of the legend below the plot on top of that.
            Assert.True(sized.Height >= size.HeightPx, $"{sized.Height} < {size.HeightPx}");
            Assert.Equal(size.WidthInches < 5, sized.Height > size.HeightPx);
            double expected = sized.Height * size.WidthInches * 300 / size.WidthPx;
            Assert.InRange(height, expected - 1, expected + 1);
            List<double> fonts = TickFonts(await exporter.SvgAsync(sized));
            Assert.NotEmpty(fonts);
            Assert.All(fonts, f => Assert.Equal(fontPx, f, 1));
        }
        // The figure it was fitted from is unchanged.
        Assert.Equal(screenPng, PngSize(await exporter.PngAsync(screen)));
    }

    [Fact]
    public void PaperSizesLeaveTheTitleOutAndAFontOfYourOwnIsKept()
    {
        Figure screen = Charts.Repetitions(_fixture.Run, "churn")!;
        using JsonDocument column = JsonDocument.Parse(screen.Sized(FigureSize.Column).ToJson());
        JsonElement layout = column.RootElement.GetProperty("layout");
        Assert.False(layout.TryGetProperty("title", out _));
        Assert.Equal(326, layout.GetProperty("width").GetInt32());
        // The legend goes under a narrow plot, in rows.
        Assert.Equal("h", layout.GetProperty("legend").GetProperty("orientation").GetString());
        // The repetition note stays.
        Assert.Contains(layout.GetProperty("annotations").EnumerateArray(), a => a.GetProperty("text").GetString() == "n = 3 repetitions");

        using JsonDocument slide = JsonDocument.Parse(screen.Sized(FigureSize.Slide.WithFont(20)).ToJson());
        layout = slide.RootElement.GetProperty("layout");
        Assert.StartsWith("churn: time per operation", layout.GetProperty("title").GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.Equal(26.7, layout.GetProperty("xaxis").GetProperty("tickfont").GetProperty("size").GetDouble(), 1);
        Assert.Throws<ArgumentOutOfRangeException>(() => FigureSize.Column.WithFont(2));
        Assert.Equal(FigureSize.Text, FigureSize.Named("TEXT"));
        Assert.Contains("column, text, slide", Assert.Throws<ArgumentException>(() => FigureSize.Named("poster")).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FiguresOfAFolderShareOnePlotlyJsAndTheToolbarGetsRoomAboveTheTitle()
    {
        string folder = Directory.CreateTempSubdirectory("figures-shared-").FullName;
        try
        {
            Figure figure = Charts.Repetitions(_fixture.Run, "churn")!;
            string shared = FigureExporter.WriteHtml(figure, folder, sharedScript: true);
            string inline = FigureExporter.WriteHtml(figure with { Name = "inline" }, folder);
            Assert.True(new FileInfo(shared).Length < 100_000, $"{new FileInfo(shared).Length} bytes");
            Assert.True(new FileInfo(inline).Length > 3_000_000);
            Assert.Contains($"src=\"{PlotlyJs.SharedFileName}\"", File.ReadAllText(shared), StringComparison.Ordinal);
            Assert.Equal(PlotlyJs.Script, File.ReadAllText(Path.Combine(folder, PlotlyJs.SharedFileName)));
            // Interactive pages move the title below plotly.js's toolbar (top right).
            Assert.Contains($"l.margin.t=(l.margin.t||60)+{PlotlyJs.ToolbarRoom}", File.ReadAllText(shared), StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static (int Width, int Height) PngSize(byte[] png)
    {
        Assert.Equal(0x89, png[0]);
        return (BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16)), BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(20)));
    }

    /// <summary>The font sizes (px) of the tick labels of an SVG plotly.js wrote.</summary>
    private static List<double> TickFonts(string svg) =>
        [.. TickText().Matches(svg).Select(m => double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture))];

    [GeneratedRegex(@"class=""[xy]tick""><text[^>]*font-size: ?([0-9.]+)px")]
    private static partial Regex TickText();
}
