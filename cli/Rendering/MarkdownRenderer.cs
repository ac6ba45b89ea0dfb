using System.Globalization;
using System.Text;
using Workbench.Benchmarks.Analysis;
using Workbench.Benchmarks.Results;

namespace Workbench.Cli.Rendering;

/// <summary>
/// The summary as a Markdown table, for write-ups such as docs/results.md: one row per benchmark
/// configuration, one column per allocator, each cell "mean ns/op (ratio to baseline)", with the 95% interval
/// of the ratio when there are repetitions enough, and a star when the test (paired by repetition, else Welch's) finds
/// the difference significant.
/// </summary>
public static class MarkdownRenderer
{
    /// <summary>The Markdown text of the summary of <paramref name="rows"/>.</summary>
    public static string Render(IReadOnlyList<ResultRow> rows, string baseline, string metric = "ns_per_op")
    {
        List<SummaryLine> lines = SummaryBuilder.Build(rows, baseline, metric);
        List<string> allocators = [.. lines.Select(l => l.Allocator).Distinct()];
        StringBuilder text = new();
        text.Append("| benchmark | config | ").AppendJoin(" | ", allocators).Append(" |\n");
        text.Append("|---|---|").Append(string.Concat(allocators.Select(_ => "---:|"))).Append('\n');
        foreach (var group in lines.GroupBy(l => (l.Benchmark, l.Configuration)))
        {
            text.Append("| ").Append(group.Key.Benchmark).Append(" | ").Append(group.Key.Configuration.Replace("|", "\\|", StringComparison.Ordinal)).Append(" |");
            foreach (string allocator in allocators)
            {
                SummaryLine? line = group.FirstOrDefault(l => l.Allocator == allocator);
                text.Append(' ').Append(Cell(line, allocator == baseline, metric)).Append(" |");
            }
            text.Append('\n');
        }
        text.Append('\n').Append(metric == "ns_per_op" ? "ns per operation" : metric).Append(", mean of the repetitions (lower is better); in brackets the ratio to ")
            .Append(baseline).Append(" with its 95% interval (paired by repetition: the geometric mean of the per-repetition ratios, when the repetitions pair up; else the ratio of means); * = p < 0.05.\n");
        return text.ToString();
    }

    /// <summary>
    /// The Markdown table of <paramref name="subject"/> against the best native peer of each configuration: one row
    /// per configuration with both medians, the peer's name, the ratio of the medians and the paired ratio with its
    /// 95% interval (the form of docs/results.md's target tables).
    /// </summary>
    public static string RenderBestPeer(IReadOnlyList<ResultRow> rows, string subject, string metric = "ns_per_op")
    {
        List<BestPeerLine> lines = BestPeerComparison.Build(rows, subject, metric);
        StringBuilder text = new();
        text.Append("| benchmark | config | ").Append(subject).Append(" | best peer | ").Append(subject).Append(" / best | paired [95% CI] |\n");
        text.Append("|---|---|---:|---|---:|---|\n");
        foreach (BestPeerLine line in lines)
        {
            text.Append("| ").Append(line.Benchmark).Append(" | ").Append(line.Configuration.Replace("|", "\\|", StringComparison.Ordinal))
                .Append(" | ").Append(ReportRenderer.Significant(line.SubjectMedian))
                .Append(" | ").Append(line.Peer).Append(' ').Append(ReportRenderer.Significant(line.PeerMedian))
                .Append(" | **").Append(line.MedianRatio.ToString("0.00", CultureInfo.InvariantCulture)).Append("**")
                .Append(" | ").Append(line.Versus is null ? "-" : ReportRenderer.PairedRatio(line.Versus) + (line.Versus.Significant() ? " *" : ""))
                .Append(" |\n");
        }
        text.Append("\n").Append(metric == "ns_per_op" ? "ns per operation" : metric)
            .Append(", medians of the repetitions (lower is better); the best peer is the native allocator with the lowest median in that row; ")
            .Append("paired: the geometric mean of the per-repetition ratios with its 95% interval (Welch's ratio of means when the repetitions do not pair up); * = p < 0.05.\n");
        return text.ToString();
    }

    /// <summary>The live-against-replayed comparison of traced programs as a Markdown table.</summary>
    public static string RenderReplayPrediction(IReadOnlyList<ReplayPredictionLine> lines)
    {
        ArgumentNullException.ThrowIfNull(lines);
        List<string> allocators = [.. lines.SelectMany(l => l.Cells.Select(c => c.Allocator)).Distinct()];
        StringBuilder text = new();
        text.Append("| program | fastest live | fastest replayed | Spearman | pairs in order | ").AppendJoin(" | ", allocators).Append(" |\n");
        text.Append("|---|---|---|---:|---:|").Append(string.Concat(allocators.Select(_ => "---:|"))).Append('\n');
        foreach (ReplayPredictionLine line in lines)
        {
            text.Append("| ").Append(line.Program).Append(" | ").Append(line.LiveBest).Append(" | ").Append(line.ReplayedBest)
                .Append(" | ").Append(line.Spearman.ToString("0.00", CultureInfo.InvariantCulture))
                .Append(" | ").Append(line.PairsAgreeing.ToString("P0", CultureInfo.InvariantCulture)).Append(" |");
            foreach (string allocator in allocators)
            {
                ReplayPredictionCell? cell = line.Cells.FirstOrDefault(c => c.Allocator == allocator);
                text.Append(' ').Append(cell is null ? "-" : $"{cell.Live.ToString("0.00", CultureInfo.InvariantCulture)} / {cell.Replayed.ToString("0.00", CultureInfo.InvariantCulture)}").Append(" |");
            }
            text.Append('\n');
        }
        text.Append("\nEach cell: median time relative to glibc, live (the program preloaded on the allocator) / replayed (its trace replayed on the allocator from C#). ")
            .Append("Spearman: rank correlation of the two orders; pairs in order: the share of allocator pairs the replay orders as the live run does.\n");
        return text.ToString();
    }

    /// <summary>Each allocator's time per operation per thread at more threads against 1 thread, as a Markdown table.</summary>
    public static string RenderScaling(IReadOnlyList<ResultRow> rows)
    {
        List<ScalingLine> lines = ThreadScaling.Build(rows);
        StringBuilder text = new();
        text.Append("| benchmark | allocator | sizes | P | 1 thread | P threads, per thread | ratio | paired [95% CI] |\n");
        text.Append("|---|---|---|---:|---:|---:|---:|---|\n");
        foreach (ScalingLine line in lines)
        {
            text.Append("| ").Append(line.Benchmark).Append(" | ").Append(line.Allocator)
                .Append(" | ").Append(line.Sizes.Replace("|", "\\|", StringComparison.Ordinal))
                .Append(" | ").Append(line.Threads.ToString(CultureInfo.InvariantCulture))
                .Append(" | ").Append(ReportRenderer.Significant(line.OneThreadMedian))
                .Append(" | ").Append(ReportRenderer.Significant(line.PerThreadMedian))
                .Append(" | **").Append(line.MedianRatio.ToString("0.00", CultureInfo.InvariantCulture)).Append("**")
                .Append(" | ").Append(line.Versus is null ? "-" : ReportRenderer.PairedRatio(line.Versus) + (line.Versus.Significant() ? " *" : ""))
                .Append(" |\n");
        }
        text.Append("\nns per operation, medians of the repetitions; per thread: the P-thread row's ns per operation times P (1 = perfect scaling, ")
            .Append("lower is better); paired: the geometric mean of the per-repetition ratios with its 95% interval (Welch's ratio of means ")
            .Append("when the repetitions do not pair up); * = p < 0.05.\n");
        return text.ToString();
    }

    private static string Cell(SummaryLine? line, bool isBaseline, string metric)
    {
        if (line is null)
        {
            return "";
        }
        if (line.Time is null)
        {
            return line.Failed > 0 ? "failed" : line.Skipped > 0 ? "skipped" : "-";
        }
        // Times of a microsecond and more (whole programs) with their unit, as the terminal prints them.
        string mean = ReportRenderer.IsNanoseconds(metric) && line.Time.Mean >= 1e3
            ? ReportRenderer.Value(line.Time.Mean, metric)
            : line.Time.Mean.ToString(line.Time.Mean >= 100 ? "0" : line.Time.Mean >= 1 ? "0.0" : "0.00", CultureInfo.InvariantCulture);
        if (isBaseline)
        {
            return $"{mean} (1)";
        }
        if (line.VersusBaseline is not { } v)
        {
            return mean;
        }
        string ratio = v.Ratio.ToString("0.00", CultureInfo.InvariantCulture);
        string interval = double.IsNaN(v.RatioLow) ? "" : $" [{ReportRenderer.Significant(v.RatioLow)}, {ReportRenderer.Significant(v.RatioHigh)}]";
        string star = v.Significant() ? "*" : "";
        return $"{mean} ({ratio}{interval}){star}";
    }
}
