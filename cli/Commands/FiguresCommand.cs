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
        Option<string> baseline = new("--baseline") { Description = "allocator the relative figures compare with", DefaultValueFactory = _ => "glibc" };
        Option<string> formats = new("--formats") { Description = "comma-separated formats: html, svg, png, pdf", DefaultValueFactory = _ => "html,svg,png,pdf" };
        Command command = new("figures", "Write every figure of a run (HTML, SVG, PNG, PDF) into data/figures/NAME");
        command.Add(run);
        command.Add(output);
        command.Add(baseline);
        command.Add(formats);
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
            string name = Path.GetFileName(Path.GetDirectoryName(Path.GetFullPath(file)))!;
            string folder = parse.GetValue(output) is { Length: > 0 } o ? o : Path.Combine("data", "figures", name);
            (List<Figure> figures, List<string> files) = RunFigures.ExportAsync(file, folder, parse.GetValue(baseline) ?? "glibc", wanted, context.Error)
                .GetAwaiter().GetResult();
            if (figures.Count == 0)
            {
                context.Error.WriteLine($"workbench: no figure to draw: '{path}' has no ok trials");
                return ExitCodes.Failure;
            }
            context.Console.WriteLine($"{figures.Count} figures, {files.Count} files in {folder}");
            return ExitCodes.Ok;
        });
        return command;
    }
}
