using System.Globalization;
using Plotly.NET;
using Workbench.Benchmarks.Analysis;
using Workbench.Benchmarks.Results;
using CSharpChart = Plotly.NET.CSharp.Chart;

namespace Workbench.Figures;

/// <summary>What a thread-scaling figure plots.</summary>
public enum Measure
{
    /// <summary>Operations per second (millions), higher is better.</summary>
    Throughput,

    /// <summary>Nanoseconds per operation, lower is better.</summary>
    Time,
}

/// <summary>
/// Every chart type of the workbench, built from result rows. Each takes a run (rows and series), draws one
/// trace per allocator in that allocator's colour (<see cref="AllocatorColors"/>), titles both axes with
/// units, and returns a <see cref="Figure"/> (null when the run has nothing to draw for it).
/// </summary>
public static class Charts
{
    /// <summary>Default static size (CSS pixels): fits a two-column paper's full width at scale 2.</summary>
    public const int Width = 900;

    /// <summary>Default static height.</summary>
    public const int Height = 540;

    private static readonly string[] LatencyColumns = ["p50", "p90", "p99", "p999", "max"];
    private static readonly string[] LatencyLabels = ["p50", "p90", "p99", "p99.9", "max"];
    private static readonly double[] LatencyFractions = [0.5, 0.9, 0.99, 0.999];

    /// <summary>
    /// Throughput (or time per operation) against threads, one line per allocator, with 95% confidence bars
    /// (Student t over the repetitions). Rows of one configuration (sizes and knobs) are drawn: the first one
    /// of the benchmark unless <paramref name="configuration"/> names another (see <see cref="RunData.ConfigurationOf"/>).
    /// </summary>
    public static Figure? ThreadScaling(RunData run, string benchmark, Measure measure = Measure.Throughput, string? configuration = null)
    {
        ArgumentNullException.ThrowIfNull(run);
        List<ResultRow> rows = [.. run.Of(benchmark)];
        if (rows.Count == 0)
        {
            return null;
        }
        configuration ??= RunData.ConfigurationOf(rows[0]);
        rows = [.. rows.Where(r => RunData.ConfigurationOf(r) == configuration)];
        string column = measure == Measure.Throughput ? "ops_per_s" : "ns_per_op";
        double scale = measure == Measure.Throughput ? 1e-6 : 1;
        List<GenericChart> traces = [];
        List<string> allocators = [];
        List<string> all = [.. AllocatorColors.InCatalogueOrder(rows.Select(r => r.Allocator))];
        List<double> tops = [];
        foreach (string allocator in all)
        {
            double dodge = Dodge(all.IndexOf(allocator), all.Count);
            List<(int Threads, SampleSummary Summary)> points = [.. rows.Where(r => r.Allocator == allocator)
                .GroupBy(r => r.Threads).OrderBy(g => g.Key)
                .Select(g => (g.Key, Values(g, column, scale)))
                .Where(p => p.Item2.Count > 0)
                .Select(p => (p.Key, Describe.Sample(p.Item2)))];
            if (points.Count == 0)
            {
                continue;
            }
            string colour = AllocatorColors.Of(allocator);
            GenericChart trace = CSharpChart.Scatter<double, double, string>(
                x: points.Select(p => p.Threads + dodge), y: points.Select(p => p.Summary.Mean), mode: StyleParam.Mode.Lines_Markers,
                Name: allocator, MarkerColor: Color.fromHex(colour), LineColor: Color.fromHex(colour), LineWidth: 2.5, UseDefaults: false);
            Style.YError(trace, [.. points.Select(p => p.Summary.CiHigh - p.Summary.Mean)], [.. points.Select(p => p.Summary.Mean - p.Summary.CiLow)], colour);
            tops.AddRange(points.Select(p => Top(p.Summary.Mean, p.Summary.CiHigh)));
            Style.Set(trace, "marker", new Dictionary<string, object> { ["color"] = colour, ["size"] = 9 });
            traces.Add(trace);
            allocators.Add(allocator);
        }
        if (traces.Count == 0)
        {
            return null;
        }
        int[] threadTicks = [.. rows.Select(r => r.Threads).Distinct().Order()];
        Dictionary<string, object> xAxis = Style.Axis("threads");
        xAxis["tickvals"] = threadTicks;
        xAxis["range"] = new[] { threadTicks.Min() - 0.3, threadTicks.Max() + 0.3 };
        Dictionary<string, object> yAxis = Style.Axis(measure == Measure.Throughput ? "throughput (million operations/s)" : "time per operation (ns)");
        yAxis["range"] = new[] { 0, tops.Max() * 1.08 };
        string what = measure == Measure.Throughput ? "throughput" : "time per operation";
        string title = $"{benchmark}: {what} against threads (mean, 95% CI)";
        GenericChart chart = Style.Layout(CSharpChart.Combine(traces), Style.Subtitled(title, configuration), xAxis, yAxis, Width, Height);
        return new Figure($"{benchmark}-threads{(measure == Measure.Time ? "-time" : "")}", title, chart, allocators);
    }

    /// <summary>
    /// Adds a ratio's 95% interval as error-bar lengths (NaN where there is none; <see cref="Style.YError"/> draws no bar
    /// then) and the span the axis must show: the interval, cut at 4x the ratio either way so that one wide interval
    /// does not flatten every bar.
    /// </summary>
    private static void AddInterval(Comparison c, List<double> plus, List<double> minus, List<double> extremes)
    {
        plus.Add(c.RatioHigh - c.Ratio);
        minus.Add(c.Ratio - c.RatioLow);
        extremes.Add(double.IsFinite(c.RatioHigh) ? Math.Min(c.RatioHigh, 4 * c.Ratio) : c.Ratio);
        extremes.Add(double.IsFinite(c.RatioLow) && c.RatioLow > 0 ? Math.Max(c.RatioLow, c.Ratio / 4) : c.Ratio);
    }

    /// <summary>A dashed horizontal line across the plot at ratio 1, the reference of a relative figure.</summary>
    private static Dictionary<string, object> LineAtOne(string colour) => new()
    {
        ["type"] = "line", ["xref"] = "paper", ["x0"] = 0, ["x1"] = 1, ["yref"] = "y", ["y0"] = 1, ["y1"] = 1,
        ["line"] = new Dictionary<string, object> { ["color"] = colour, ["width"] = 2, ["dash"] = "dash" },
    };

    /// <summary>
    /// One bar per benchmark configuration: <paramref name="subject"/>'s time per operation relative to the best native
    /// peer of that configuration (the lowest median; its name is in the bar's label), the ratio paired by repetition
    /// with its 95% interval, as <c>workbench report --versus-best</c> computes it. A dashed line marks 1: the performance
    /// targets ("cfa time &lt;= 0.8 x the best peer") read off this figure. Null when no configuration has the subject
    /// and a native peer.
    /// </summary>
    public static Figure? VersusBestPeer(RunData run, string subject = "cfa")
    {
        ArgumentNullException.ThrowIfNull(run);
        List<BestPeerLine> lines = [.. BestPeerComparison.Build(run.Ok, subject).Where(l => l.Versus is not null)];
        if (lines.Count == 0)
        {
            return null;
        }
        // A configuration is "threads sizes"; the sizes stay in the label only where a benchmark ran several.
        static (string Threads, string Sizes) Parts(string configuration) =>
            configuration.IndexOf(' ', StringComparison.Ordinal) is int i and >= 0 ? (configuration[..i], configuration[(i + 1)..]) : (configuration, "");
        bool severalSizes = lines.GroupBy(l => l.Benchmark).Any(g => g.Select(l => Parts(l.Configuration).Sizes).Distinct().Count() > 1);
        List<string> keys = [.. lines.Select(l => $"{l.Benchmark} {(severalSizes ? l.Configuration : Parts(l.Configuration).Threads)} ({l.Peer})")];
        double[] ratio = [.. lines.Select(l => l.Versus!.Ratio)];
        List<double> extremes = [1];
        List<double> plus = [];
        List<double> minus = [];
        foreach (Comparison c in lines.Select(l => l.Versus!))
        {
            AddInterval(c, plus, minus, extremes);
        }
        GenericChart trace = CSharpChart.Column<double, string, string>(values: ratio.Select(r => r - 1), Keys: keys, Name: subject,
            MarkerColor: Color.fromHex(AllocatorColors.Of(subject)), UseDefaults: false);
        Style.Set(trace, "base", 1);
        Style.Set(trace, "customdata", ratio);
        Style.Set(trace, "hovertemplate", "%{x}: %{customdata:.3f} x the best peer<extra>" + subject + "</extra>");
        Style.YError(trace, plus, minus, "#333333");
        Dictionary<string, object> xAxis = Style.Axis("benchmark and threads (best native peer)", "category");
        xAxis["categoryorder"] = "array";
        xAxis["categoryarray"] = keys.ToArray();
        Dictionary<string, object> yAxis = Style.Axis($"time per operation relative to the best peer (ratio)", "log");
        Style.Ticks125(yAxis, extremes);
        string title = $"{subject}: time per operation relative to the best native peer of each row (lower is better; paired, 95% CI)";
        int width = Math.Clamp(110 + keys.Count * 45, Width, 1400);
        GenericChart chart = Style.Layout(trace, title, xAxis, yAxis, width, Height, more: layout =>
        {
            layout.SetProperty("showlegend", true); // one trace: Plotly would drop the legend that names the subject
            layout.SetProperty("shapes", new[] { LineAtOne("#555555") });
        });
        return new Figure($"{subject}-vs-best-peer", title, chart, [subject], width);
    }

    /// <summary>
    /// Grouped bars, one group per benchmark configuration, one bar per allocator: time per operation (or another
    /// column, <paramref name="metric"/>, such as <c>peak_rss_kib</c>) relative to <paramref name="baseline"/>'s (lower
    /// is better) with the ratio's 95% interval, paired by repetition where the repetitions pair up, as
    /// <c>workbench report --detailed</c> computes it. A dashed line marks 1 (the baseline).
    /// </summary>
    public static Figure? RelativeToBaseline(RunData run, string baseline = "glibc", int? threads = null, string metric = "ns_per_op")
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(metric);
        List<ResultRow> rows = [.. run.Ok.Where(r => (threads is null || r.Threads == threads) && double.IsFinite(r.Number(metric)))];
        // One category per benchmark and configuration that the baseline ran.
        List<(string Label, List<ResultRow> Rows)> groups = [.. rows
            .GroupBy(r => (r.Benchmark, r.Threads, Config: RunData.ConfigurationOf(r)))
            .Where(g => g.Any(r => r.Allocator == baseline))
            .Select(g => (g.Key.Benchmark, g.Key.Threads, g.Key.Config, Rows: g.ToList()))
            .GroupBy(g => g.Benchmark)
            .SelectMany(byBenchmark =>
            {
                bool severalThreads = byBenchmark.Select(g => g.Threads).Distinct().Count() > 1;
                List<string> configs = [.. byBenchmark.Select(g => g.Config).Distinct()];
                IReadOnlyList<string> names = RunData.ShortConfigurationNames(configs);
                return byBenchmark.Select(g => (
                    g.Benchmark + (severalThreads ? $" {g.Threads}t" : "") + (configs.Count > 1 ? $" {names[configs.IndexOf(g.Config)]}" : ""),
                    g.Rows));
            })];
        if (groups.Count == 0)
        {
            return null;
        }
        List<string> allocators = [.. AllocatorColors.InCatalogueOrder(rows.Select(r => r.Allocator)).Where(a => a != baseline)];
        List<GenericChart> traces = [];
        List<string> drawn = [];
        List<double> extremes = [1];
        int paired = 0;
        int unpaired = 0;
        foreach (string allocator in allocators)
        {
            List<string> keys = [];
            List<double> ratio = [];
            List<double> plus = [];
            List<double> minus = [];
            foreach ((string label, List<ResultRow> groupRows) in groups)
            {
                List<ResultRow> mine = [.. groupRows.Where(r => r.Allocator == allocator)];
                List<ResultRow> theirs = [.. groupRows.Where(r => r.Allocator == baseline)];
                if (SummaryBuilder.Compare(mine, theirs, metric) is not { } c)
                {
                    continue;
                }
                keys.Add(label);
                paired += c.Paired ? 1 : 0;
                unpaired += c.Paired ? 0 : 1;
                ratio.Add(c.Ratio);
                AddInterval(c, plus, minus, extremes);
            }
            if (keys.Count == 0)
            {
                continue;
            }
            string colour = AllocatorColors.Of(allocator);
            // Bars start at 1 (the baseline) and reach the ratio, up for slower, down for faster, on a log axis.
            GenericChart trace = CSharpChart.Column<double, string, string>(values: ratio.Select(r => r - 1), Keys: keys, Name: allocator,
                MarkerColor: Color.fromHex(colour), UseDefaults: false);
            Style.Set(trace, "base", 1);
            Style.Set(trace, "customdata", ratio.ToArray());
            Style.Set(trace, "hovertemplate", "%{x}: %{customdata:.3f} x " + baseline + "<extra>" + allocator + "</extra>");
            Style.YError(trace, plus, minus, "#333333");
            traces.Add(trace);
            drawn.Add(allocator);
        }
        if (traces.Count == 0)
        {
            return null;
        }
        Dictionary<string, object> xAxis = Style.Axis("benchmark", "category");
        xAxis["categoryorder"] = "array";
        xAxis["categoryarray"] = groups.Select(g => g.Label).ToArray();
        string measure = metric switch
        {
            "ns_per_op" => "time per operation",
            "peak_rss_kib" => "peak RSS",
            _ => metric,
        };
        Dictionary<string, object> yAxis = Style.Axis($"{measure} relative to {baseline} (ratio)", "log");
        Style.Ticks125(yAxis, extremes);
        string how = (paired, unpaired) switch
        {
            (_, 0) => "ratios paired by repetition",
            (0, _) => "ratios of means",
            _ => "ratios paired by repetition where they pair up",
        };
        string title = $"{char.ToUpperInvariant(measure[0])}{measure[1..]} relative to {baseline} (lower is better; {how}, 95% CI)";
        int width = Math.Clamp(110 + groups.Count * (30 + 10 * drawn.Count), Width, 1400);
        GenericChart chart = Style.Layout(CSharpChart.Combine(traces), title, xAxis, yAxis, width, Height, more: layout =>
        {
            layout.SetProperty("barmode", "group");
            layout.SetProperty("shapes", new[] { LineAtOne(AllocatorColors.Of(baseline)) });
        });
        string name = (metric == "ns_per_op" ? "" : metric.Replace('_', '-') + "-") + $"relative-to-{baseline}" + (threads is null ? "" : $"-{threads}t");
        return new Figure(name, title, chart, drawn, width);
    }

    /// <summary>
    /// Box plots of the repetitions of one benchmark (time per operation), one box per allocator and thread
    /// count, every repetition drawn as a point beside its box: the noise of the measurement.
    /// </summary>
    public static Figure? Repetitions(RunData run, string benchmark)
    {
        ArgumentNullException.ThrowIfNull(run);
        List<ResultRow> rows = [.. run.Of(benchmark)];
        if (rows.Count == 0)
        {
            return null;
        }
        string configuration = RunData.ConfigurationOf(rows[0]);
        rows = [.. rows.Where(r => RunData.ConfigurationOf(r) == configuration && double.IsFinite(r.Number("ns_per_op")))];
        List<GenericChart> traces = [];
        List<string> allocators = [];
        foreach (string allocator in AllocatorColors.InCatalogueOrder(rows.Select(r => r.Allocator)))
        {
            List<ResultRow> mine = [.. rows.Where(r => r.Allocator == allocator).OrderBy(r => r.Threads)];
            string colour = AllocatorColors.Of(allocator);
            GenericChart trace = CSharpChart.BoxPlot<string, double, string>(
                X: mine.Select(r => r.Threads == 1 ? "1 thread" : $"{r.Threads} threads").ToArray(),
                Y: mine.Select(r => r.Number("ns_per_op")).ToArray(),
                Name: allocator, MarkerColor: Color.fromHex(colour), BoxPoints: StyleParam.BoxPoints.All,
                Jitter: 0.3, PointPos: -1.6, UseDefaults: false);
            Style.Set(trace, "line", new Dictionary<string, object> { ["color"] = colour, ["width"] = 1.5 });
            traces.Add(trace);
            allocators.Add(allocator);
        }
        string title = $"{benchmark}: time per operation over the repetitions";
        Dictionary<string, object> yAxis = Style.Axis("time per operation (ns)");
        yAxis["rangemode"] = "tozero";
        GenericChart chart = Style.Layout(CSharpChart.Combine(traces), Style.Subtitled(title, configuration), Style.Axis("threads", "category"), yAxis, Width, Height,
            more: layout => layout.SetProperty("boxmode", "group"));
        return new Figure($"{benchmark}-repetitions", title, chart, allocators);
    }

    /// <summary>
    /// Memory over time of one benchmark's trials (the first ok repetition of each allocator at
    /// <paramref name="threads"/>, default the most threads): resident set size (solid) and the bytes the
    /// workload has requested and not freed (dashed), one colour per allocator, MiB against seconds.
    /// </summary>
    public static Figure? MemoryOverTime(RunData run, string benchmark = "memory", int? threads = null)
    {
        ArgumentNullException.ThrowIfNull(run);
        List<ResultRow> rows = [.. run.Of(benchmark)];
        if (rows.Count == 0)
        {
            return null;
        }
        int t = threads ?? rows.Max(r => r.Threads);
        string configuration = RunData.ConfigurationOf(rows[0]);
        List<GenericChart> traces = [];
        List<string> allocators = [];
        foreach (string allocator in AllocatorColors.InCatalogueOrder(rows.Select(r => r.Allocator)))
        {
            ResultRow? row = rows.Where(r => r.Allocator == allocator && r.Threads == t && RunData.ConfigurationOf(r) == configuration)
                .OrderBy(r => r.Repetition).FirstOrDefault();
            if (row is null)
            {
                continue;
            }
            List<SeriesLine> samples = [.. run.Series(row).OrderBy(s => s.Seconds)];
            if (samples.Count == 0)
            {
                continue;
            }
            string colour = AllocatorColors.Of(allocator);
            GenericChart rss = CSharpChart.Scatter<double, double, string>(
                x: samples.Select(s => s.Seconds), y: samples.Select(s => s.RssKib / 1024.0), mode: StyleParam.Mode.Lines,
                Name: allocator, LineColor: Color.fromHex(colour), LineWidth: 2.5, UseDefaults: false);
            Style.Set(rss, "legendgroup", allocator);
            traces.Add(rss);
            List<SeriesLine> requested = [.. samples.Where(s => s.RequestedBytes >= 0 && s.Source == "workload")];
            if (requested.Count > 0)
            {
                GenericChart asked = CSharpChart.Scatter<double, double, string>(
                    x: requested.Select(s => s.Seconds), y: requested.Select(s => s.RequestedBytes / 1048576.0), mode: StyleParam.Mode.Lines,
                    Name: allocator + " requested", LineColor: Color.fromHex(colour), LineWidth: 1.2, LineDash: StyleParam.DrawingStyle.Dot, UseDefaults: false);
                Style.Set(asked, "legendgroup", allocator);
                Style.Set(asked, "showlegend", false);
                Style.Set(asked, "opacity", 0.7);
                traces.Add(asked);
            }
            allocators.Add(allocator);
        }
        if (traces.Count == 0)
        {
            return null;
        }
        bool requestedDrawn = traces.Count > allocators.Count;
        string title = $"{benchmark}: memory over time, {t} thread{(t == 1 ? "" : "s")} " +
            (requestedDrawn ? "(solid: RSS; dotted, same colour: bytes requested and not yet freed)" : "(resident set size)");
        Dictionary<string, object> yAxis = Style.Axis("memory (MiB)");
        yAxis["rangemode"] = "tozero";
        GenericChart chart = Style.Layout(CSharpChart.Combine(traces), title, Style.Axis("time since the trial started (s)"), yAxis, Width, Height,
            more: layout => ((Dictionary<string, object>)layout.GetPropertyValue("legend"))["tracegroupgap"] = 2);
        return new Figure($"{benchmark}-over-time", title, chart, allocators);
    }

    /// <summary>
    /// Latency percentiles (p50, p90, p99, p99.9, max) of one operation (<c>malloc</c> or <c>free</c>) of the
    /// latency benchmark on a log axis, one line per allocator: the median over the repetitions, bars from the
    /// smallest to the largest repetition.
    /// </summary>
    public static Figure? LatencyPercentiles(RunData run, string operation = "malloc", int? threads = null)
    {
        ArgumentNullException.ThrowIfNull(run);
        return LatencyFigure(run, threads, $"latency-{operation}-percentiles",
            t => $"latency: {operation} percentiles, {t} thread{(t == 1 ? "" : "s")} (median of repetitions; bars: min to max)",
            (allocator, mine) =>
            {
                List<string> labels = [];
                List<double> median = [];
                List<double> plus = [];
                List<double> minus = [];
                for (int i = 0; i < LatencyColumns.Length; i++)
                {
                    List<double> values = Values(mine, $"{operation}_{LatencyColumns[i]}_ns", 1);
                    if (values.Count == 0)
                    {
                        continue;
                    }
                    double m = Describe.Quantile(values, 0.5);
                    labels.Add(LatencyLabels[i]);
                    median.Add(m);
                    plus.Add(values.Max() - m);
                    minus.Add(m - values.Min());
                }
                if (labels.Count == 0)
                {
                    return null;
                }
                string colour = AllocatorColors.Of(allocator);
                GenericChart trace = CSharpChart.Scatter<string, double, string>(x: labels, y: median, mode: StyleParam.Mode.Lines_Markers,
                    Name: allocator, MarkerColor: Color.fromHex(colour), LineColor: Color.fromHex(colour), LineWidth: 2.5, UseDefaults: false);
                Style.YError(trace, plus, minus, colour);
                Style.Set(trace, "marker", new Dictionary<string, object> { ["color"] = colour, ["size"] = 9 });
                return trace;
            },
            (traces, title) => Style.Layout(traces, title, Style.Axis("percentile", "category"),
                Style.Axis($"{operation} latency (ns, log scale)", "log"), Width, Height));
    }

    /// <summary>
    /// The latency distribution of one operation as a tail CDF on log-log axes: for each latency x, the
    /// fraction of calls slower than x (1 - CDF), drawn through the measured percentiles (p50, p90, p99,
    /// p99.9) down to the maximum (one call in all of them). Steeper and further left is better.
    /// </summary>
    public static Figure? LatencyCdf(RunData run, string operation = "malloc", int? threads = null)
    {
        ArgumentNullException.ThrowIfNull(run);
        return LatencyFigure(run, threads, $"latency-{operation}-cdf",
            t => $"latency: {operation} tail distribution, {t} thread{(t == 1 ? "" : "s")} (1 - CDF, log-log)",
            (allocator, mine) =>
            {
                List<double> x = [];
                List<double> y = [];
                for (int i = 0; i < LatencyFractions.Length; i++)
                {
                    List<double> values = Values(mine, $"{operation}_{LatencyColumns[i]}_ns", 1);
                    if (values.Count > 0)
                    {
                        x.Add(Describe.Quantile(values, 0.5));
                        y.Add(1 - LatencyFractions[i]);
                    }
                }
                List<double> max = Values(mine, $"{operation}_max_ns", 1);
                List<double> ops = Values(mine, "ops", 1);
                if (max.Count > 0 && ops.Count > 0)
                {
                    x.Add(Describe.Quantile(max, 0.5));
                    y.Add(1 / Describe.Quantile(ops, 0.5));
                }
                if (x.Count == 0)
                {
                    return null;
                }
                string colour = AllocatorColors.Of(allocator);
                GenericChart trace = CSharpChart.Scatter<double, double, string>(x: x, y: y, mode: StyleParam.Mode.Lines_Markers,
                    Name: allocator, MarkerColor: Color.fromHex(colour), LineColor: Color.fromHex(colour), LineWidth: 2.5, UseDefaults: false);
                Style.Set(trace, "line", new Dictionary<string, object> { ["color"] = colour, ["width"] = 2.5, ["shape"] = "vh" });
                Style.Set(trace, "marker", new Dictionary<string, object> { ["color"] = colour, ["size"] = 8 });
                return trace;
            },
            (traces, title) => Style.Layout(traces, title, Style.Axis($"{operation} latency (ns, log scale)", "log"),
                Style.Axis("fraction of calls slower (1 - CDF, log scale)", "log"), Width, Height));
    }

    /// <summary>
    /// A heatmap of size distribution x threads for one allocator of one benchmark: each cell is the mean time
    /// per operation, or, with a <paramref name="baseline"/> that ran the same cells, the ratio to the
    /// baseline's (below 1: faster). The value is written in each cell.
    /// </summary>
    public static Figure? SizeThreadsHeatmap(RunData run, string benchmark, string allocator, string? baseline = null)
    {
        ArgumentNullException.ThrowIfNull(run);
        List<ResultRow> rows = [.. run.Of(benchmark)];
        List<string> sizes = [.. rows.Select(r => r.Sizes).Distinct(StringComparer.Ordinal)];
        List<int> threadCounts = [.. rows.Select(r => r.Threads).Distinct().Order()];
        if (!rows.Any(r => r.Allocator == allocator) || sizes.Count * threadCounts.Count < 2)
        {
            return null;
        }
        bool relative = baseline is not null && baseline != allocator && rows.Any(r => r.Allocator == baseline);
        double[][] z = new double[sizes.Count][];
        string[][] text = new string[sizes.Count][];
        for (int s = 0; s < sizes.Count; s++)
        {
            z[s] = new double[threadCounts.Count];
            text[s] = new string[threadCounts.Count];
            for (int t = 0; t < threadCounts.Count; t++)
            {
                List<ResultRow> cell = [.. rows.Where(r => r.Sizes == sizes[s] && r.Threads == threadCounts[t])];
                List<double> mine = Values(cell.Where(r => r.Allocator == allocator), "ns_per_op", 1);
                double value = double.NaN;
                if (mine.Count > 0)
                {
                    value = mine.Average();
                    if (relative)
                    {
                        List<double> theirs = Values(cell.Where(r => r.Allocator == baseline), "ns_per_op", 1);
                        value = theirs.Count > 0 ? value / theirs.Average() : double.NaN;
                    }
                }
                z[s][t] = value;
                text[s][t] = Style.Number(value);
            }
        }
        string unit = relative ? $"time relative to {baseline} (log scale)" : "time per operation (ns)";
        // Relative: the colour is log2 of the ratio, centred on 1 (white), blue faster, red slower; the cells say the ratio.
        double[][] colour = relative ? [.. z.Select(r => r.Select(v => double.IsFinite(v) && v > 0 ? Math.Log2(v) : double.NaN).ToArray())] : z;
        GenericChart trace = CSharpChart.Heatmap<double, string, string, string>(
            zData: colour, X: threadCounts.Select(t => t.ToString(CultureInfo.InvariantCulture)).ToArray(), Y: sizes.ToArray(),
            Name: allocator, UseDefaults: false);
        Style.Set(trace, "text", text);
        Style.Set(trace, "texttemplate", "%{text}");
        Style.Set(trace, "hovertemplate", "threads %{x}, sizes %{y}: %{text}<extra>" + allocator + "</extra>");
        Style.Set(trace, "textfont", new Dictionary<string, object> { ["size"] = 16 });
        Dictionary<string, object> colourBar = new() { ["title"] = new Dictionary<string, object> { ["text"] = unit, ["side"] = "right" } };
        if (relative)
        {
            double spread = Math.Max(0.25, colour.SelectMany(r => r).Where(double.IsFinite).Select(Math.Abs).DefaultIfEmpty(1).Max());
            Style.Set(trace, "colorscale", "RdBu");
            Style.Set(trace, "reversescale", false);
            Style.Set(trace, "zmid", 0);
            Style.Set(trace, "zmin", -spread);
            Style.Set(trace, "zmax", spread);
            int[] ticks = [.. Enumerable.Range(-(int)Math.Ceiling(spread), 2 * (int)Math.Ceiling(spread) + 1)];
            colourBar["tickvals"] = ticks;
            colourBar["ticktext"] = ticks.Select(t => Style.Number(Math.Pow(2, t))).ToArray();
        }
        else
        {
            Style.Set(trace, "colorscale", "Viridis");
            Style.Set(trace, "reversescale", true);
        }
        Style.Set(trace, "colorbar", colourBar);
        string title = $"{benchmark}: {allocator}, {(relative ? $"time relative to {baseline}" : "time per operation")} by size distribution and threads";
        GenericChart chart = Style.Layout(trace, title, Style.Axis("threads", "category"), Style.Axis("size distribution", "category"),
            Width, Math.Max(360, 160 + 60 * sizes.Count));
        return new Figure($"{benchmark}-{allocator}-sizes-threads", title, chart, [allocator]);
    }

    /// <summary>
    /// False sharing (cache-thrash or cache-scratch): speed-up over one thread, elapsed(1) / elapsed(P), one
    /// line per allocator with the ratio's 95% interval, against the ideal P-fold line (the work is split
    /// among the threads, so an allocator that causes no false sharing scales P-fold on P idle cores).
    /// </summary>
    public static Figure? FalseSharingSpeedup(RunData run, string benchmark = "cache-thrash")
    {
        ArgumentNullException.ThrowIfNull(run);
        List<ResultRow> rows = [.. run.Of(benchmark)];
        if (rows.Count == 0)
        {
            return null;
        }
        string configuration = RunData.ConfigurationOf(rows[0]);
        rows = [.. rows.Where(r => RunData.ConfigurationOf(r) == configuration)];
        List<int> threadCounts = [.. rows.Select(r => r.Threads).Distinct().Order()];
        if (threadCounts.Count < 2 || threadCounts[0] != 1)
        {
            return null;
        }
        List<double> tops = [threadCounts.Max()];
        List<GenericChart> traces = [];
        List<string> allocators = [];
        List<string> all = [.. AllocatorColors.InCatalogueOrder(rows.Select(r => r.Allocator))];
        foreach (string allocator in all)
        {
            double dodge = Dodge(all.IndexOf(allocator), all.Count);
            List<double> one = Values(rows.Where(r => r.Allocator == allocator && r.Threads == 1), "elapsed_s", 1);
            if (one.Count == 0)
            {
                continue;
            }
            List<double> x = [];
            List<double> y = [];
            List<double> plus = [];
            List<double> minus = [];
            foreach (int p in threadCounts)
            {
                List<double> many = Values(rows.Where(r => r.Allocator == allocator && r.Threads == p), "elapsed_s", 1);
                if (many.Count == 0)
                {
                    continue;
                }
                // At one thread the speed-up is 1 by definition (the same sample on both sides): no interval.
                Comparison c = p == 1 ? new Comparison(1, 1, 1, double.NaN, double.NaN, double.NaN) : Comparison.Of(one, many);
                x.Add(p + dodge);
                y.Add(c.Ratio);
                plus.Add(c.RatioHigh - c.Ratio);
                minus.Add(c.Ratio - c.RatioLow);
                tops.Add(Top(c.Ratio, c.RatioHigh));
            }
            string colour = AllocatorColors.Of(allocator);
            GenericChart trace = CSharpChart.Scatter<double, double, string>(x: x, y: y, mode: StyleParam.Mode.Lines_Markers,
                Name: allocator, MarkerColor: Color.fromHex(colour), LineColor: Color.fromHex(colour), LineWidth: 2.5, UseDefaults: false);
            Style.YError(trace, plus, minus, colour);
            Style.Set(trace, "marker", new Dictionary<string, object> { ["color"] = colour, ["size"] = 9 });
            traces.Add(trace);
            allocators.Add(allocator);
        }
        if (traces.Count == 0)
        {
            return null;
        }
        GenericChart ideal = CSharpChart.Scatter<int, int, string>(x: threadCounts, y: threadCounts, mode: StyleParam.Mode.Lines,
            Name: "ideal (P-fold)", LineColor: Color.fromHex("#222222"), LineWidth: 1.5, LineDash: StyleParam.DrawingStyle.Dash, UseDefaults: false);
        traces.Insert(0, ideal);
        Dictionary<string, object> xAxis = Style.Axis("threads (P)");
        xAxis["tickvals"] = threadCounts.ToArray();
        xAxis["range"] = new[] { threadCounts.Min() - 0.3, threadCounts.Max() + 0.3 };
        Dictionary<string, object> yAxis = Style.Axis("speed-up over 1 thread (elapsed(1) / elapsed(P))");
        yAxis["range"] = new[] { 0, tops.Max() * 1.08 };
        string kind = benchmark == "cache-scratch" ? "passive" : benchmark == "cache-thrash" ? "active" : "";
        string title = $"{benchmark}: {(kind.Length > 0 ? kind + " " : "")}false sharing, speed-up against the ideal P-fold line (95% CI)";
        GenericChart chart = Style.Layout(CSharpChart.Combine(traces), title, xAxis, yAxis, Width, Height);
        return new Figure($"{benchmark}-speedup", title, chart, allocators);
    }

    /// <summary>
    /// The <c>speed</c> benchmark: nanoseconds per call of each routine (malloc+free, batches, calloc+free,
    /// realloc growing and shrinking, aligned allocation+free), grouped bars per routine, one bar per allocator:
    /// the median over the repetitions, bars from the smallest to the largest repetition.
    /// </summary>
    public static Figure? SpeedRoutines(RunData run, int? threads = null)
    {
        ArgumentNullException.ThrowIfNull(run);
        List<ResultRow> rows = [.. run.Of("speed")];
        if (rows.Count == 0)
        {
            return null;
        }
        int t = threads ?? rows.Min(r => r.Threads);
        rows = [.. rows.Where(r => r.Threads == t)];
        (string Column, string Label)[] routines =
        [
            ("speed_malloc_free_ns", "malloc+free"), ("speed_batch_ns", "batch"), ("speed_calloc_free_ns", "calloc+free"),
            ("speed_realloc_grow_ns", "realloc grow"), ("speed_realloc_shrink_ns", "realloc shrink"), ("speed_aligned_free_ns", "aligned+free"),
        ];
        List<GenericChart> traces = [];
        List<string> allocators = [];
        List<double> spans = [];
        foreach (string allocator in AllocatorColors.InCatalogueOrder(rows.Select(r => r.Allocator)))
        {
            List<string> keys = [];
            List<double> median = [];
            List<double> plus = [];
            List<double> minus = [];
            foreach ((string column, string label) in routines)
            {
                List<double> values = Values(rows.Where(r => r.Allocator == allocator), column, 1);
                if (values.Count == 0)
                {
                    continue;
                }
                double m = Describe.Quantile(values, 0.5);
                keys.Add(label);
                median.Add(m);
                plus.Add(values.Max() - m);
                minus.Add(m - values.Min());
                spans.Add(values.Max());
                spans.Add(m / 2);
            }
            if (keys.Count == 0)
            {
                continue;
            }
            string colour = AllocatorColors.Of(allocator);
            GenericChart trace = CSharpChart.Column<double, string, string>(values: median, Keys: keys, Name: allocator,
                MarkerColor: Color.fromHex(colour), UseDefaults: false);
            Style.YError(trace, plus, minus, "#333333");
            traces.Add(trace);
            allocators.Add(allocator);
        }
        if (traces.Count == 0)
        {
            return null;
        }
        Dictionary<string, object> xAxis = Style.Axis("routine", "category");
        xAxis["categoryorder"] = "array";
        xAxis["categoryarray"] = routines.Select(r => r.Label).ToArray();
        // Log scale: the floor (bump) and the .NET allocators can be ten times slower than the native ones.
        Dictionary<string, object> yAxis = Style.Axis("time per call (ns, log scale)", "log");
        Style.Ticks125(yAxis, spans);
        string title = $"speed: time per call of each routine, {t} thread{(t == 1 ? "" : "s")} (median; bars: min to max)";
        GenericChart chart = Style.Layout(CSharpChart.Combine(traces), title, xAxis, yAxis, Width, Height,
            more: layout => layout.SetProperty("barmode", "group"));
        return new Figure("speed-routines", title, chart, allocators);
    }

    /// <summary>
    /// A small horizontal offset per allocator so that points and interval bars at the same thread count do
    /// not hide each other (at most 0.3 threads wide in all).
    /// </summary>
    private static double Dodge(int index, int count) => count <= 1 ? 0 : (index - (count - 1) / 2.0) * Math.Min(0.06, 0.3 / (count - 1));

    /// <summary>
    /// How far up the axis goes for one point: its interval's top, but no more than twice the value (an interval
    /// wider than the value itself, e.g. from two repetitions, is cut at the frame rather than flattening every line).
    /// </summary>
    private static double Top(double value, double high) => double.IsFinite(high) ? Math.Min(high, 2 * value) : value;

    /// <summary>
    /// The frame of the latency figures: the latency rows of one thread count (the fewest unless
    /// <paramref name="threads"/> says), one trace per allocator in catalogue order from <paramref name="traceOf"/>
    /// (null: nothing to draw for that allocator), and the traces laid out by <paramref name="layout"/> under the
    /// title that <paramref name="titleOf"/> gives for the thread count. Null when no allocator has a trace.
    /// </summary>
    private static Figure? LatencyFigure(RunData run, int? threads, string id, Func<int, string> titleOf,
        Func<string, List<ResultRow>, GenericChart?> traceOf, Func<GenericChart, string, GenericChart> layout)
    {
        List<ResultRow> rows = LatencyRows(run, threads, out int t);
        List<GenericChart> traces = [];
        List<string> allocators = [];
        foreach (string allocator in AllocatorColors.InCatalogueOrder(rows.Select(r => r.Allocator)))
        {
            GenericChart? trace = traceOf(allocator, [.. rows.Where(r => r.Allocator == allocator)]);
            if (trace is not null)
            {
                traces.Add(trace);
                allocators.Add(allocator);
            }
        }
        if (traces.Count == 0)
        {
            return null;
        }
        string title = titleOf(t);
        return new Figure(id, title, layout(CSharpChart.Combine(traces), title), allocators);
    }

    private static List<ResultRow> LatencyRows(RunData run, int? threads, out int t)
    {
        List<ResultRow> rows = [.. run.Of("latency")];
        t = rows.Count == 0 ? 0 : threads ?? rows.Min(r => r.Threads);
        int chosen = t;
        if (rows.Count == 0)
        {
            return rows;
        }
        string configuration = RunData.ConfigurationOf(rows[0]);
        return [.. rows.Where(r => r.Threads == chosen && RunData.ConfigurationOf(r) == configuration)];
    }

    private static List<double> Values(IEnumerable<ResultRow> rows, string column, double scale) =>
        [.. rows.Select(r => r.Number(column) * scale).Where(double.IsFinite)];
}
