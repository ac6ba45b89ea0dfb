using Spectre.Console;
using Workbench.Figures;

namespace Workbench.Cli.Commands;

/// <summary>
/// The figures a finished quick run writes: every figure of the run as HTML (one shared plotly.js), and the summary
/// figure (cfa against its best peer, else every allocator relative to the baseline) as PNG and SVG when Chromium is
/// there; then one line with the path to open. A figure that cannot be drawn costs a line, never the run.
/// </summary>
internal static class SummaryFigures
{
    /// <summary>The figures, most telling first, of which the first one the run has is the one to open.</summary>
    private static IEnumerable<string> Preferred(string baseline) => ["cfa-vs-best-peer", $"relative-to-{baseline}"];

    internal static void Write(CliContext context, string runDirectory, string folder, string baseline)
    {
        try
        {
            RunData run = RunData.Load(runDirectory);
            List<Figure> figures = RunFigures.All(run, run.Allocators.Contains(baseline) ? baseline : null);
            if (figures.Count == 0)
            {
                return;
            }
            using FigureExporter exporter = new();
            List<string> files = exporter.ExportAllAsync(figures, folder, ExportFormats.Html).GetAwaiter().GetResult();
            Figure summary = Preferred(baseline).Select(name => figures.FirstOrDefault(f => f.Name == name)).OfType<Figure>().FirstOrDefault() ?? figures[0];
            string open = Path.Combine(folder, summary.Name + ".html");
            if (exporter.CanRenderStatic)
            {
                exporter.ExportAsync(summary, folder, ExportFormats.Png | ExportFormats.Svg).GetAwaiter().GetResult();
                open = Path.Combine(folder, summary.Name + ".png");
            }
            else
            {
                context.Error.WriteLine(exporter.Missing);
            }
            context.Console.WriteLine($"figures: {files.Count} in {folder}; the summary: {open}");
        }
        catch (Exception e) when (e is ChartInputException or InvalidOperationException or IOException or PuppeteerSharp.PuppeteerException)
        {
            context.Error.WriteLine($"workbench: no figures written ({e.Message.ReplaceLineEndings(" ")}): draw them with 'workbench figures {runDirectory}'");
        }
    }
}
