using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;
using Workbench.Benchmarks.Model;
using Workbench.Benchmarks.Runner;
using Workbench.Benchmarks.Workloads;

namespace Workbench.Figures;

/// <summary>
/// What the notebooks share (notebooks/setup.dib, which every notebook's first cell imports, loads it into the kernel): the repository's folders,
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
    /// Set by setup.dib in a notebook kernel: shows its line in a display that each later line replaces (the kernel's
    /// updatable display) and returns the function that replaces it. Null elsewhere: <see cref="Sweep"/> then writes
    /// each line to its log. (An executed copy may keep only the first line, as nbconvert does, or every line, as
    /// dotnet-repl does: so the first says only what is true throughout, and the tally is written after it.)
    /// </summary>
    public static Func<string, Action<string>>? ProgressDisplay { get; set; }

    /// <summary>
    /// Set by setup.dib in a notebook kernel: the token the kernel cancels when the running cell is interrupted (stop
    /// button, Jupyter's interrupt). <see cref="Sweep"/> then stops, killing the trial in flight.
    /// </summary>
    public static Func<CancellationToken>? CellCancellation { get; set; }

    /// <summary>
    /// The most allocators quick mode keeps, the first ones listed: three, so that a ranking (cfa, glibc and a peer)
    /// still has something to order.
    /// </summary>
    public const int QuickAllocators = 3;

    /// <summary>The most thread counts, size distributions and values per knob quick mode keeps, the first ones listed.</summary>
    public const int QuickListLength = 2;

    /// <summary>The most repetitions quick mode keeps.</summary>
    public const int QuickRepetitions = 2;

    /// <summary>
    /// Runs a sweep into <c>data/notebooks/runs/NAME</c> (started afresh unless <paramref name="resume"/>) as the CLI
    /// runs one (<see cref="SweepSession"/>), each trial in a child process of <see cref="TrialProgram"/> (allocators
    /// that need their own process, jemalloc and cfa-noown, work only so), and returns its results. In quick mode the
    /// definition is first scaled down (<see cref="ScaleForQuick"/>). While it runs, one line shows the trial just
    /// finished as the CLI prints it (<c>[i/N] ...</c>), the time elapsed and an estimate of the time left; it ends as
    /// the tally (trials ok, failed, skipped) and the notes (e.g. an allocator not installed). Interrupting the cell
    /// stops the sweep and throws <see cref="SweepInterruptedException"/>; <c>resume: true</c> then goes on from there.
    /// </summary>
    /// <exception cref="UsageException">A name, thread count, size spec or knob is wrong: one line, in the notebook's words.</exception>
    /// <exception cref="SweepInterruptedException">The cell was interrupted.</exception>
    public static RunData Sweep(SweepDefinition definition, bool resume = false, TextWriter? log = null)
    {
        ArgumentNullException.ThrowIfNull(definition);
        log ??= Console.Out;
        if (string.IsNullOrWhiteSpace(definition.Name))
        {
            definition.Name = "notebook";
        }
        string? scaled = Quick ? ScaleForQuick(definition) : null;
        SweepSession session;
        try
        {
            session = new SweepSession(definition, TrialLauncher.ForWorkbenchProgram());
        }
        catch (UsageException e)
        {
            throw new UsageException(InNotebookWords(e.Message), e);
        }
        // The display starts with the plan and what quick mode cut; each trial's line replaces it.
        string planned = FormattableString.Invariant($"{definition.Name}: {session.Plan.Count} trials planned") + (scaled is null ? "" : "; " + scaled);
        Action<string> show = ProgressDisplay?.Invoke(planned) ?? log.WriteLine;
        if (ProgressDisplay is null)
        {
            show(planned);
        }
        string directory = Path.Combine(RunsFolder, definition.Name);
        if (!resume && Directory.Exists(directory))
        {
            Directory.Delete(directory, recursive: true);
        }
        Stopwatch clock = Stopwatch.StartNew();
        TimeSpan? lastShown = null;
        int doneAtStart = -1;
        CancellationToken cancellation = CellCancellation?.Invoke() ?? CancellationToken.None;
        SweepOutcome outcome = session.Run(directory, Shard.All, ["notebook", definition.Name], p =>
        {
            if (doneAtStart < 0)
            {
                doneAtStart = p.Done;
            }
            // A line every two seconds at most: an executed copy keeps every update of a display as an output.
            if (p.Last is null || (lastShown is { } shown && clock.Elapsed - shown < TimeSpan.FromSeconds(2) && p.Done < p.Total))
            {
                return;
            }
            lastShown = clock.Elapsed;
            show(ProgressLine(p, clock.Elapsed, doneAtStart));
        }, cancellation);
        string how = session.Launcher is null ? "in this kernel: no workbench program found; run scripts/setup-figures.sh" : "one process per trial";
        string tally = FormattableString.Invariant($"{definition.Name}: {outcome.InShard} trials, {outcome.Tally} ({how})");
        if (outcome.Cancelled)
        {
            string stopped = FormattableString.Invariant(
                $"{definition.Name}: interrupted after {outcome.AlreadyDone + outcome.Ran.Values.Sum()} of {outcome.InShard} trials; Notebook.Sweep(definition, resume: true) goes on from there");
            throw new SweepInterruptedException(stopped);
        }
        log.WriteLine(tally);
        foreach (string note in outcome.Notes)
        {
            log.WriteLine(note);
        }
        return RunData.Load(directory);
    }

    /// <summary>
    /// The progress line: the trial just finished as the CLI prints it, then the time elapsed and, from the pace so
    /// far, the time left: <c>[3/12] churn cfa 1t uniform:16-1024 #1: ok 41.2 ns/op; 6 s elapsed, about 18 s left</c>.
    /// </summary>
    public static string ProgressLine(TrialProgress progress, TimeSpan elapsed, int doneAtStart)
    {
        TimeSpan? left = progress.Remaining(elapsed, doneAtStart);
        string time = $"{TrialProgress.Duration(elapsed)} elapsed" + (left is { } l && progress.Done < progress.Total ? $", about {TrialProgress.Duration(l)} left" : "");
        return $"{progress.Line}; {time}";
    }

    /// <summary>
    /// Quick mode's version of a sweep (<c>WORKBENCH_QUICK=1</c>, the CLI's <c>--quick</c>), so that a notebook keeps
    /// one parameter cell with the full-size experiment: the workloads' quick settings (<see cref="SweepDefinition.Quick"/>),
    /// the first <see cref="QuickAllocators"/> allocators, the first <see cref="QuickListLength"/> thread counts, size
    /// distributions and values of each knob,
    /// at most <see cref="QuickRepetitions"/> repetitions, and each knob value set scaled as that knob's quick value is
    /// to its default (iterations 20,000,000 where the default is 10,000,000 and the quick value 100,000 becomes 200,000).
    /// Returns one line saying what was cut, or null when nothing was.
    /// </summary>
    public static string? ScaleForQuick(SweepDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        definition.Quick = true;
        List<string> cuts = [];
        // New lists, not cut in place: the definition holds the notebook's own parameter lists.
        definition.Allocators = Cut(definition.Allocators, QuickAllocators, "allocators", cuts);
        definition.Threads = Cut(definition.Threads, QuickListLength, "thread counts", cuts);
        definition.Sizes = Cut(definition.Sizes, QuickListLength, "size distributions", cuts);
        if (definition.Repetitions > QuickRepetitions)
        {
            cuts.Add(FormattableString.Invariant($"{QuickRepetitions} of {definition.Repetitions} repetitions"));
            definition.Repetitions = QuickRepetitions;
        }
        List<Workload> workloads = [.. definition.Benchmarks.Select(WorkloadCatalog.Find).OfType<Workload>()];
        Dictionary<KnobName, List<long>> knobs = [];
        foreach ((KnobName setting, List<long> values) in definition.Knobs)
        {
            Knob? knob = workloads.Where(w => setting.AppliesTo(w.Name)).SelectMany(w => w.Knobs).FirstOrDefault(k => k.Name == setting.Name);
            List<long> kept = [.. values.Take(QuickListLength)];
            if (knob is not null && knob.Default > 0 && knob.Quick != knob.Default)
            {
                kept = [.. kept.Select(v => QuickValue(knob, v)).Distinct()];
                cuts.Add(FormattableString.Invariant($"{setting} {string.Join(",", values.Take(QuickListLength))} scaled to {string.Join(",", kept)}"));
            }
            else if (kept.Count < values.Count)
            {
                cuts.Add(FormattableString.Invariant($"{kept.Count} of {values.Count} values of {setting}"));
            }
            knobs[setting] = kept;
        }
        definition.Knobs = knobs;
        return cuts.Count == 0 ? null : "quick mode (WORKBENCH_QUICK=1), the parameters scaled down: " + string.Join("; ", cuts);
    }

    private static List<T> Cut<T>(List<T> list, int keep, string what, List<string> cuts)
    {
        if (list.Count > keep)
        {
            cuts.Add(FormattableString.Invariant($"{keep} of {list.Count} {what} ({string.Join(", ", list.Take(keep))})"));
        }
        return [.. list.Take(keep)];
    }

    /// <summary>A knob value scaled as the knob's quick value is to its default, kept in the knob's range.</summary>
    private static long QuickValue(Knob knob, long value)
    {
        double scaled = (double)value * knob.Quick / knob.Default;
        long v = Math.Clamp((long)Math.Round(scaled), knob.Min, knob.Max);
        if (knob.PowerOfTwo && !long.IsPow2(v))
        {
            v = Math.Clamp((long)Math.Pow(2, Math.Round(Math.Log2(Math.Max(1, v)))), knob.Min, knob.Max);
        }
        return v;
    }

    /// <summary>
    /// A usage error of the library in a notebook's words: the CLI's examples (<c>e.g. --allocators cfa,glibc</c>,
    /// <c>--set churn.iterations=VALUE</c>) become what to write in a <see cref="SweepDefinition"/>
    /// (<c>Allocators = ["cfa", "glibc"]</c>, <c>Knobs[KnobName.Parse("churn.iterations")] = [VALUE]</c>).
    /// </summary>
    public static string InNotebookWords(string message)
    {
        ArgumentNullException.ThrowIfNull(message);
        const string value = @"(\S+?)(?=[,;)]?(?:\s|$))";
        string text = Regex.Replace(message, @"--set ([\w.-]+)=" + value, m => $"Knobs[KnobName.Parse(\"{m.Groups[1].Value}\")] = [{m.Groups[2].Value}]");
        text = Regex.Replace(text, @"--([a-z-]+) " + value, m => s_options.TryGetValue(m.Groups[1].Value, out var option)
            ? $"{option.Property} = {(option.List ? $"[{string.Join(", ", m.Groups[2].Value.Split(',').Select(i => option.Quoted ? $"\"{i}\"" : i))}]" : m.Groups[2].Value)}"
            : m.Value);
        // An option named alone, e.g. "(--warmup, or warmup in an experiment file)".
        text = Regex.Replace(text, @"--([a-z-]+)\b", m => s_options.TryGetValue(m.Groups[1].Value, out var option) ? option.Property : m.Value);
        text = Regex.Replace(text, @",? ?e\.g\. --out \S+", "");
        return text.Replace("(see workbench list)", "(WorkloadCatalog.All lists them)", StringComparison.Ordinal);
    }

    /// <summary>The CLI's sweep options and the <see cref="SweepDefinition"/> property each sets.</summary>
    private static readonly Dictionary<string, (string Property, bool List, bool Quoted)> s_options = new(StringComparer.Ordinal)
    {
        ["allocators"] = (nameof(SweepDefinition.Allocators), true, true),
        ["benchmarks"] = (nameof(SweepDefinition.Benchmarks), true, true),
        ["sizes"] = (nameof(SweepDefinition.Sizes), true, true),
        ["threads"] = (nameof(SweepDefinition.Threads), true, false),
        ["cpus"] = (nameof(SweepDefinition.Cpus), true, false),
        ["repetitions"] = (nameof(SweepDefinition.Repetitions), false, false),
        ["warmup"] = (nameof(SweepDefinition.Warmup), false, false),
        ["timeout"] = (nameof(SweepDefinition.TimeoutSeconds), false, false),
        ["sample-ms"] = (nameof(SweepDefinition.SampleMs), false, false),
        ["seed"] = (nameof(SweepDefinition.Seed), false, false),
        ["set"] = (nameof(SweepDefinition.Knobs), false, false),
    };

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
