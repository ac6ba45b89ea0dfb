using System.Globalization;
using Spectre.Console;
using Workbench.Benchmarks.Analysis;
using Workbench.Benchmarks.Results;

namespace Workbench.Cli.Rendering;

/// <summary>
/// The summary table in the terminal. The compact form has one row per benchmark configuration and one
/// column per allocator: ns per operation (mean of the repetitions) and, below it, the ratio to the baseline
/// (lower is better for both; the geometric mean of the per-repetition ratios when the repetitions pair up). The detailed form has one row per allocator and configuration with the
/// 95% interval, the ratio's interval, the p value against the baseline (paired t test by repetition, or Welch's), peak RSS and the headline metric.
/// </summary>
public static class ReportRenderer
{
    /// <summary>Prints the summary of <paramref name="rows"/>.</summary>
    public static void Render(IAnsiConsole console, IReadOnlyList<ResultRow> rows, string baseline, bool detailed, string metric = "ns_per_op")
    {
        ArgumentNullException.ThrowIfNull(console);
        List<SummaryLine> lines = SummaryBuilder.Build(rows, baseline, metric);
        if (lines.Count == 0)
        {
            console.WriteLine("no results yet");
            return;
        }
        if (detailed)
        {
            RenderDetailed(console, lines, baseline, metric);
        }
        else
        {
            RenderCompact(console, lines, baseline, metric);
        }
        List<SummaryLine> headlines = [.. lines.Where(l => l.Extra.Length > 0)];
        if (!detailed && headlines.Count > 0)
        {
            Table extra = new Table().Title("headline metrics (median of repetitions)").AddColumns("benchmark", "config", "allocator", "metric");
            foreach (SummaryLine line in headlines)
            {
                extra.AddRow(Markup.Escape(line.Benchmark), Markup.Escape(line.Configuration), Markup.Escape(line.Allocator), Markup.Escape(line.Extra));
            }
            console.Write(extra);
        }
    }

    /// <summary>
    /// The main job's summary, for a newcomer: per benchmark configuration, <paramref name="subject"/>'s time per operation
    /// (median) and its ratio to the best native peer there and to <paramref name="baseline"/>, each with its 95% interval
    /// (paired by repetition where they pair up; "n/a" with the reason where there is none). Five columns, one row per
    /// configuration. Returns false, printing nothing, when no configuration has the subject and a native peer.
    /// </summary>
    public static bool RenderHeadline(IAnsiConsole console, IReadOnlyList<ResultRow> rows, string subject, string baseline)
    {
        ArgumentNullException.ThrowIfNull(console);
        List<BestPeerLine> lines = BestPeerComparison.Build(rows, subject);
        if (lines.Count == 0)
        {
            return false;
        }
        Dictionary<(string, string), SummaryLine> versusBaseline = SummaryBuilder.Build(rows, baseline)
            .Where(l => l.Allocator == subject)
            .ToDictionary(l => (l.Benchmark, l.Configuration));
        Table table = new Table()
            .Title($"{Markup.Escape(subject)}: ns per operation, and its ratio to the best native peer and to {Markup.Escape(baseline)} [[95% CI]] (lower is better)")
            .AddColumns("benchmark", "config", $"{Markup.Escape(subject)} ns/op", "vs best peer", $"vs {Markup.Escape(baseline)}");
        foreach (BestPeerLine line in lines)
        {
            string versus = versusBaseline.TryGetValue((line.Benchmark, line.Configuration), out SummaryLine? b) && b.VersusBaseline is { } v
                ? RatioWithInterval(v)
                : subject == baseline ? "1" : $"n/a (no {baseline})";
            table.AddRow(
                Markup.Escape(line.Benchmark),
                Markup.Escape(line.Configuration),
                Format(line.SubjectMedian),
                Markup.Escape(line.Versus is { } peer ? $"{RatioWithInterval(peer)} {line.Peer}" : $"{line.MedianRatio:0.00} {line.Peer}"),
                Markup.Escape(versus));
        }
        console.Write(table);
        return true;
    }

    /// <summary>
    /// "0.82 [0.75, 0.9]": a ratio with its interval in three significant digits (a wide interval from two repetitions
    /// shows as it is, never rounded to 0), or "0.82 (n/a: 1 repetition)" when there is no interval.
    /// </summary>
    internal static string RatioWithInterval(Comparison v) => double.IsFinite(v.RatioLow) && double.IsFinite(v.RatioHigh)
        ? string.Create(CultureInfo.InvariantCulture, $"{v.Ratio:0.00} [{Significant(v.RatioLow)}, {Significant(v.RatioHigh)}]")
        : string.Create(CultureInfo.InvariantCulture, $"{v.Ratio:0.00} (n/a: 1 repetition)");

    /// <summary>
    /// Prints <paramref name="subject"/> against the best native peer of each configuration (the lowest median of
    /// <paramref name="metric"/>): both medians, their ratio, and the paired ratio with its 95% interval and p value.
    /// </summary>
    public static void RenderBestPeer(IAnsiConsole console, IReadOnlyList<ResultRow> rows, string subject, string metric = "ns_per_op")
    {
        ArgumentNullException.ThrowIfNull(console);
        List<BestPeerLine> lines = BestPeerComparison.Build(rows, subject, metric);
        if (lines.Count == 0)
        {
            console.WriteLine($"no configuration has both {subject} and a native peer with {metric}");
            return;
        }
        Table table = new Table()
            .Title($"{Markup.Escape(MetricTitle(metric))}: {Markup.Escape(subject)} against the best native peer of each configuration (medians; lower is better)")
            .AddColumns("benchmark", "config", Markup.Escape(subject), "best peer", "peer", $"{Markup.Escape(subject)} / peer", "paired ratio (95% CI)", "p (test)");
        foreach (BestPeerLine line in lines)
        {
            Comparison? v = line.Versus;
            table.AddRow(
                Markup.Escape(line.Benchmark),
                Markup.Escape(line.Configuration),
                Significant(line.SubjectMedian),
                Markup.Escape(line.Peer),
                Significant(line.PeerMedian),
                line.MedianRatio.ToString("0.00", CultureInfo.InvariantCulture),
                v is null ? "-" : Markup.Escape(PairedRatio(v)),
                PValueCell(v));
        }
        console.Write(table);
    }

    /// <summary>Prints, per traced program, each allocator's time relative to glibc live and replayed, and how the orders agree.</summary>
    public static void RenderReplayPrediction(IAnsiConsole console, IReadOnlyList<ReplayPredictionLine> lines)
    {
        ArgumentNullException.ThrowIfNull(console);
        ArgumentNullException.ThrowIfNull(lines);
        if (lines.Count == 0)
        {
            console.WriteLine("no traced program is in both runs with glibc and two more allocators");
            return;
        }
        Table table = new Table()
            .Title("live program against its replayed trace: median time relative to glibc, live / replayed (lower is better)")
            .AddColumns("program", "fastest live", "fastest replayed", "Spearman", "pairs in order", "allocators, fastest live first: live / replayed");
        foreach (ReplayPredictionLine line in lines)
        {
            table.AddRow(
                Markup.Escape(line.Program),
                Markup.Escape(line.LiveBest),
                Markup.Escape(line.ReplayedBest),
                line.Spearman.ToString("0.00", CultureInfo.InvariantCulture),
                line.PairsAgreeing.ToString("P0", CultureInfo.InvariantCulture),
                Markup.Escape(string.Join("  ", line.Cells.Select(c => $"{c.Allocator} {c.Live:0.00}/{c.Replayed:0.00}"))));
        }
        console.Write(table);
    }

    /// <summary>Prints each allocator's time per operation per thread at more threads against 1 thread.</summary>
    public static void RenderScaling(IAnsiConsole console, IReadOnlyList<ResultRow> rows)
    {
        ArgumentNullException.ThrowIfNull(console);
        List<ScalingLine> lines = ThreadScaling.Build(rows);
        if (lines.Count == 0)
        {
            console.WriteLine("no allocator has ok trials at both 1 thread and more");
            return;
        }
        Table table = new Table()
            .Title("ns per operation per thread at P threads against 1 thread (medians; 1 = perfect scaling, lower is better)")
            .AddColumns("benchmark", "allocator", "sizes", "P", "1 thread", "P threads, per thread", "per thread / 1 thread", "paired ratio (95% CI)", "p (test)");
        foreach (ScalingLine line in lines)
        {
            Comparison? v = line.Versus;
            table.AddRow(
                Markup.Escape(line.Benchmark),
                Markup.Escape(line.Allocator),
                Markup.Escape(line.Sizes),
                line.Threads.ToString(CultureInfo.InvariantCulture),
                Significant(line.OneThreadMedian),
                Significant(line.PerThreadMedian),
                line.MedianRatio.ToString("0.00", CultureInfo.InvariantCulture),
                v is null ? "-" : Markup.Escape(PairedRatio(v)),
                PValueCell(v));
        }
        console.Write(table);
    }

    /// <summary>"0.0012 * (paired t)": a comparison's p value, starred below 0.05, with its test; "-" when there is none.</summary>
    internal static string PValueCell(Comparison? v) => v is null || double.IsNaN(v.PValue)
        ? "-"
        : v.PValue.ToString("0.0000", CultureInfo.InvariantCulture) + (v.Significant() ? " *" : "") + $" ({v.Test})";

    /// <summary>"0.97 [0.91, 1.04]": a comparison's ratio with its interval (the interval left out when there is none).</summary>
    internal static string PairedRatio(Comparison v) => double.IsNaN(v.RatioLow)
        ? v.Ratio.ToString("0.00", CultureInfo.InvariantCulture)
        : RatioWithInterval(v);

    /// <summary>Three significant digits, whatever the metric's unit.</summary>
    internal static string Significant(double value) => value.ToString(Math.Abs(value) >= 1000 ? "0" : "G3", CultureInfo.InvariantCulture);

    private static string MetricTitle(string metric) => metric == "ns_per_op" ? "ns per operation" : metric;

    private static void RenderCompact(IAnsiConsole console, List<SummaryLine> lines, string baseline, string metric)
    {
        List<string> allocators = [.. lines.Select(l => l.Allocator).Distinct()];
        Table table = new Table().Title($"{Markup.Escape(MetricTitle(metric))} (mean); ratio to {Markup.Escape(baseline)} below (paired by repetition when they pair up), lower is better").AddColumn("benchmark").AddColumn("config");
        foreach (string allocator in allocators)
        {
            table.AddColumn(new TableColumn(Markup.Escape(allocator)).RightAligned());
        }
        foreach (var group in lines.GroupBy(l => (l.Benchmark, l.Configuration)))
        {
            List<string> cells = [Markup.Escape(group.Key.Benchmark), Markup.Escape(group.Key.Configuration)];
            foreach (string allocator in allocators)
            {
                SummaryLine? line = group.FirstOrDefault(l => l.Allocator == allocator);
                cells.Add(Cell(line, allocator == baseline, metric));
            }
            table.AddRow(cells.ToArray());
        }
        console.Write(table);
    }

    private static string Cell(SummaryLine? line, bool isBaseline, string metric)
    {
        if (line is null)
        {
            return "";
        }
        if (line.Time is null)
        {
            return line.Failed > 0 ? "[red]failed[/]" : line.Skipped > 0 ? "[grey]skipped[/]" : "-";
        }
        string value = Value(line.Time.Mean, metric);
        string ratio = isBaseline ? "1.00x" : line.VersusBaseline is { } v ? $"{v.Ratio:0.00}x" : "";
        string failed = line.Failed > 0 ? $" [red]{line.Failed} failed[/]" : "";
        return ratio.Length > 0 ? $"{value}{failed}\n[grey]{ratio}[/]" : value + failed;
    }

    private static void RenderDetailed(IAnsiConsole console, List<SummaryLine> lines, string baseline, string metric)
    {
        Table table = new Table().AddColumns("benchmark", "config", "allocator", "n", metric == "ns_per_op" ? "ns/op mean" : Markup.Escape(metric) + " mean", "95% CI", "median", $"vs {Markup.Escape(baseline)}", "ratio 95% CI", "p (test)", "peak RSS MiB", "notes");
        foreach (SummaryLine line in lines)
        {
            SampleSummary? t = line.Time;
            Comparison? v = line.VersusBaseline;
            List<string> notes = [];
            if (line.Failed > 0)
            {
                notes.Add($"{line.Failed} failed");
            }
            if (line.Skipped > 0)
            {
                notes.Add($"{line.Skipped} skipped");
            }
            if (t is not null && t.OutlierCount > 0)
            {
                notes.Add($"{t.OutlierCount} outlier(s)");
            }
            if (line.Extra.Length > 0)
            {
                notes.Add(line.Extra);
            }
            table.AddRow(
                Markup.Escape(line.Benchmark),
                Markup.Escape(line.Configuration),
                Markup.Escape(line.Allocator),
                (t?.Count ?? 0).ToString(CultureInfo.InvariantCulture),
                t is null ? "-" : Value(t.Mean, metric),
                t is null ? "-" : double.IsNaN(t.CiLow) ? "n/a (1 repetition)" : $"{Value(t.CiLow, metric)} .. {Value(t.CiHigh, metric)}",
                t is null ? "-" : Value(t.Median, metric),
                line.Allocator == baseline ? "1.00x" : v is null ? "-" : $"{v.Ratio:0.000}x",
                v is null ? "-" : double.IsNaN(v.RatioLow) ? "n/a (1 repetition)" : $"{Significant(v.RatioLow)} .. {Significant(v.RatioHigh)}",
                PValueCell(v),
                double.IsNaN(line.PeakRssKib) ? "-" : (line.PeakRssKib / 1024).ToString("0.0", CultureInfo.InvariantCulture),
                Markup.Escape(string.Join("; ", notes)));
        }
        console.Write(table);
    }

    /// <summary>A value of <paramref name="metric"/>: nanoseconds with their unit scaled (us, ms), any other metric (KiB, counts) as a plain number.</summary>
    /// <summary>Whether the column is a time in nanoseconds.</summary>
    internal static bool IsNanoseconds(string metric) => metric == "ns_per_op" || metric.EndsWith("_ns", StringComparison.Ordinal);

    /// <summary>A value of the column: a time with its unit, any other number with three significant digits.</summary>
    internal static string Value(double value, string metric) => IsNanoseconds(metric) ? Format(value) : Significant(value);

    private static string Format(double ns) => ns switch
    {
        >= 1e9 => (ns / 1e9).ToString("0.000", CultureInfo.InvariantCulture) + " s",
        >= 1e6 => (ns / 1e6).ToString("0.00", CultureInfo.InvariantCulture) + " ms",
        >= 1e3 => (ns / 1e3).ToString("0.00", CultureInfo.InvariantCulture) + " us",
        >= 100 => ns.ToString("0", CultureInfo.InvariantCulture),
        >= 10 => ns.ToString("0.0", CultureInfo.InvariantCulture),
        _ => ns.ToString("0.00", CultureInfo.InvariantCulture),
    };
}
