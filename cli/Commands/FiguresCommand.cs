using System.CommandLine;
using Spectre.Console;
using Workbench.Benchmarks.Model;
using Workbench.Benchmarks.Results;
using Workbench.Figures;

namespace Workbench.Cli.Commands;

/// <summary>
/// <c>workbench figures RUN</c>: every figure of a run (relative time, thread scaling, repetitions, false sharing,
/// memory over time, latency, sizes x threads) into <c>data/figures/NAME</c> as HTML (plotly.js inlined), SVG, PNG
/// and PDF; the static formats need Chromium (one line says so when it is missing, and HTML is still written).
/// <c>--size column|text|slide</c> and <c>--font-pt</c> fit the figures to a paper or a slide (<see cref="FigureSize"/>);
/// the HTML pages share one plotly.js in the folder unless <c>--plotly-js inline</c>.
/// </summary>
public static class FiguresCommand
{
    private static readonly Dictionary<string, ExportFormats> Formats = new(StringComparer.OrdinalIgnoreCase)
    {
        ["html"] = ExportFormats.Html,
        ["svg"] = ExportFormats.Svg,
        ["png"] = ExportFormats.Png,
        ["pdf"] = ExportFormats.Pdf,
    };

    /// <summary>The command.</summary>
    public static Command Create(CliContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        Argument<string> run = new("run") { Description = "run folder (data/runs/NAME) or a results.csv" };
        Option<string> output = new("--out", "-o") { Description = "folder for the figures (default data/figures/NAME)" };
        Option<string> baseline = new("--baseline") { Description = "allocator the relative figures compare with (default glibc, else the run's first)" };
        Option<string> size = new("--size")
        {
            Description = $"fit the figures to: {string.Join("; ", FigureSize.Presets.Select(p => p.ToString()))}",
            DefaultValueFactory = _ => "screen",
        };
        Option<double?> fontPt = new("--font-pt") { Description = "font size in points (default the size's: 8 for column, 9 for text, 18 for slide)" };
        Option<bool?> titles = new("--titles") { Description = "keep the title inside each figure (true/false; default false for column and text, which papers caption below)" };
        Option<string> plotlyJs = new("--plotly-js")
        {
            Description = "HTML pages load one shared plotly.js beside them (shared), or each carries its own 3.6 MB copy (inline)",
            DefaultValueFactory = _ => "shared",
        };
        Option<string> formats = new("--formats") { Description = "comma-separated formats: html, svg, png, pdf", DefaultValueFactory = _ => "html,svg,png,pdf" };
        Command command = new("figures", "Write every figure of a run (HTML, SVG, PNG, PDF) into data/figures/NAME");
        command.Add(run);
        command.Add(output);
        command.Add(baseline);
        command.Add(formats);
        command.Add(size);
        command.Add(fontPt);
        command.Add(titles);
        command.Add(plotlyJs);
        command.SetAction(parse =>
        {
            string path = parse.GetValue(run) ?? "";
            string file = RunFolders.ResultsFile(path);
            ReportCommand.ReportProblems(context, ResultsFile.Read(file));
            ExportFormats wanted = ExportFormats.None;
            foreach (string format in (parse.GetValue(formats) ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                wanted |= Formats.TryGetValue(format, out ExportFormats f)
                    ? f
                    : throw new UsageException($"unknown format '{format}': write some of html,svg,png,pdf, e.g. --formats svg,png");
            }
            if (wanted == ExportFormats.None)
            {
                throw new UsageException("no format given: write some of html,svg,png,pdf, e.g. --formats svg,png");
            }
            FigureSize? fitted = Size(parse.GetValue(size) ?? "screen", parse.GetValue(fontPt), parse.GetValue(titles));
            bool shared = (parse.GetValue(plotlyJs) ?? "shared") switch
            {
                "shared" => true,
                "inline" => false,
                string other => throw new UsageException($"--plotly-js {other}: write shared (one plotly.js in the folder) or inline (one in each page)"),
            };
            string name = Path.GetFileName(Path.GetDirectoryName(Path.GetFullPath(file)))!;
            string folder = parse.GetValue(output) is { Length: > 0 } o ? o : Path.Combine("data", "figures", name);
            List<Figure> figures;
            List<string> files;
            try
            {
                (figures, files) = RunFigures.ExportAsync(file, folder, parse.GetValue(baseline), wanted, context.Error, fitted, shared).GetAwaiter().GetResult();
            }
            catch (ChartInputException e) when (e.What == "baseline")
            {
                throw new UsageException($"--baseline {e.Value}: the run has no such allocator; write one of {string.Join(", ", e.Valid)}", e);
            }
            if (figures.Count == 0)
            {
                context.Error.WriteLine($"workbench: no figure to draw: '{path}' has no ok trials");
                return ExitCodes.Failure;
            }
            context.Console.WriteLine($"{figures.Count} figures, {files.Count} files in {folder}" +
                (shared && (wanted & ExportFormats.Html) != 0 ? $" (the HTML pages load {PlotlyJs.SharedFileName} beside them)" : ""));
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>The size asked for: null for the screen's unchanged, else the preset with the font and titles given.</summary>
    private static FigureSize? Size(string name, double? fontPt, bool? titles)
    {
        FigureSize preset = FigureSize.Presets.FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase))
            ?? throw new UsageException($"--size {name}: write one of {string.Join(", ", FigureSize.Presets.Select(p => p.Name))}, e.g. --size column");
        if (fontPt is { } pt && pt is < 4 or > 40)
        {
            throw new UsageException($"--font-pt {pt.ToString(System.Globalization.CultureInfo.InvariantCulture)}: write a font size of 4 to 40 points, e.g. --font-pt 8");
        }
        if (preset == FigureSize.Screen && fontPt is null && titles is null)
        {
            return null;
        }
        return preset with { FontPt = fontPt ?? preset.FontPt, Titles = titles ?? preset.Titles };
    }
}
