using System.Net;
using Workbench.Benchmarks.Model;
using Workbench.Benchmarks.Runner;

namespace Workbench.Figures;

/// <summary>
/// What the notebooks share (notebooks/setup.csx loads it into every kernel): the repository's folders,
/// the quick switch (<c>WORKBENCH_QUICK=1</c>, as the CLI's <c>--quick</c>), sweeps run through the library
/// (each trial in a child process of the published <c>workbench</c>, as the CLI runs them), and the chart
/// display that works offline: by default each figure is shown as an inline SVG rendered by Chromium (it
/// displays everywhere, GitHub included, with no network); <c>WORKBENCH_CHARTS=interactive</c> shows
/// interactive plotly.js charts with plotly.js inlined once per kernel (also offline).
/// </summary>
public static class Notebook
{
    private static readonly Lazy<FigureExporter> Exporter = new(() =>
    {
        FigureExporter exporter = new();
        AppDomain.CurrentDomain.ProcessExit += (_, _) => exporter.Dispose();
        return exporter;
    });

    private static bool s_plotlyInlined;

    /// <summary>Whether quick mode is on (<c>WORKBENCH_QUICK=1</c>): every experiment shrinks to seconds.</summary>
    public static bool Quick => Environment.GetEnvironmentVariable("WORKBENCH_QUICK") is "1" or "true" or "yes";

    /// <summary>The repository root: the nearest folder upwards from the current one that has Workbench.sln.</summary>
    public static string Root
    {
        get
        {
            for (DirectoryInfo? d = new(Environment.CurrentDirectory); d is not null; d = d.Parent)
            {
                if (File.Exists(Path.Combine(d.FullName, "Workbench.sln")))
                {
                    return d.FullName;
                }
            }
            return Environment.CurrentDirectory;
        }
    }

    /// <summary>The folder of runs made by notebooks (<c>data/notebooks/runs</c>, not kept in git).</summary>
    public static string RunsFolder => Path.Combine(Root, "data", "notebooks", "runs");

    /// <summary>A folder under <c>data/figures</c>.</summary>
    public static string FiguresFolder(string name) => Path.Combine(Root, "data", "figures", name);

    /// <summary>
    /// The <c>workbench</c> program whose hidden <c>trial</c> command runs each trial in its own process
    /// (<see cref="TrialLauncher.ForWorkbenchProgram"/>: <c>WORKBENCH_CLI</c>, else the copy scripts/setup-figures.sh
    /// publishes, else the CLI's Release build); null when there is none (trials then run inside the kernel).
    /// </summary>
    public static string? TrialProgram => TrialLauncher.ForWorkbenchProgram()?.Executable;

    /// <summary>
    /// Runs a sweep into <c>data/notebooks/runs/NAME</c> (started afresh unless <paramref name="resume"/>) as the CLI
    /// runs one (<see cref="SweepSession"/>), each trial in a child process of <see cref="TrialProgram"/> (allocators
    /// that need their own process, jemalloc and cfa-noown, work only so), and returns its results. Quick mode sets
    /// <see cref="SweepDefinition.Quick"/>. Prints one line: trials ok, failed, skipped, and the notes (e.g. an
    /// allocator not installed).
    /// </summary>
    public static RunData Sweep(SweepDefinition definition, bool resume = false, TextWriter? log = null)
    {
        ArgumentNullException.ThrowIfNull(definition);
        log ??= Console.Out;
        if (Quick)
        {
            definition.Quick = true;
        }
        if (string.IsNullOrWhiteSpace(definition.Name))
        {
            definition.Name = "notebook";
        }
        SweepSession session = new(definition, TrialLauncher.ForWorkbenchProgram());
        string directory = Path.Combine(RunsFolder, definition.Name);
        if (!resume && Directory.Exists(directory))
        {
            Directory.Delete(directory, recursive: true);
        }
        SweepOutcome outcome = session.Run(directory, Shard.All, ["notebook", definition.Name]);
        string how = session.Launcher is null ? "in this kernel: no workbench program found; run scripts/setup-figures.sh" : "one process per trial";
        log.WriteLine(FormattableString.Invariant($"{definition.Name}: {outcome.InShard} trials, {outcome.Tally} ({how})"));
        foreach (string note in outcome.Notes)
        {
            log.WriteLine(note);
        }
        return RunData.Load(directory);
    }

    /// <summary>
    /// The chart display mode (<c>WORKBENCH_CHARTS</c>): <c>svg</c> (default; <c>interactive</c> when there is no
    /// Chromium), <c>interactive</c>, or <c>plotly</c> (Plotly.NET.Interactive's own display, which needs a
    /// network: the set-up then leaves Plotly.NET charts to the formatter that package registers).
    /// </summary>
    public static string ChartMode
    {
        get
        {
            string mode = Environment.GetEnvironmentVariable("WORKBENCH_CHARTS") ?? "svg";
            return mode switch
            {
                "plotly" => "plotly",
                "interactive" => "interactive",
                _ => Chromium.Find() is null ? "interactive" : "svg",
            };
        }
    }

    /// <summary>
    /// The HTML a notebook shows for a figure: an inline SVG (rendered by plotly.js in Chromium) or, in
    /// interactive mode, a plotly.js div with plotly.js inlined the first time. No network either way.
    /// </summary>
    public static string Html(Figure figure)
    {
        ArgumentNullException.ThrowIfNull(figure);
        if (ChartMode == "plotly")
        {
            // Plotly.NET's own page for the chart (plotly.js from its CDN), as Plotly.NET.Interactive shows it.
            return Plotly.NET.GenericChart.toChartHTML(figure.Chart);
        }
        if (ChartMode == "svg")
        {
            string svg = Task.Run(() => Exporter.Value.SvgAsync(figure)).GetAwaiter().GetResult();
            return $"<div class=\"workbench-figure\" title=\"{WebUtility.HtmlEncode(figure.Name)}\">{svg}</div>";
        }
        string id = "workbench-" + Guid.NewGuid().ToString("N")[..12];
        string script = s_plotlyInlined ? "" : $"<script type=\"text/javascript\">{PlotlyJs.Script}</script>\n";
        s_plotlyInlined = true;
        return script + PlotlyJs.Div(figure, id);
    }

    /// <summary>Writes figures (HTML, SVG, PNG, PDF) into <c>data/figures/NAME</c>; returns the files written.</summary>
    public static List<string> Save(string name, IEnumerable<Figure> figures, ExportFormats formats = ExportFormats.All)
    {
        string folder = FiguresFolder(name);
        List<string> files = Task.Run(() => Exporter.Value.ExportAllAsync(figures, folder, formats, Console.Out)).GetAwaiter().GetResult();
        Console.WriteLine($"{files.Count} files in {Path.GetRelativePath(Root, folder)}");
        return files;
    }

    /// <summary>Writes one figure (see <see cref="Save(string, IEnumerable{Figure}, ExportFormats)"/>).</summary>
    public static List<string> Save(string name, Figure figure, ExportFormats formats = ExportFormats.All) => Save(name, [figure], formats);
}
