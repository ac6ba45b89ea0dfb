using Plotly.NET;
using Workbench.Figures.Shaping;
using CSharpChart = Plotly.NET.CSharp.Chart;

namespace Workbench.Figures.Plotting;

/// <summary>
/// Draws <see cref="RelativeToBaselineData"/>: grouped ratio bars, one group per category, against a dashed line at 1
/// that the legend names as the baseline; a legend even for one allocator.
/// </summary>
internal static class RelativeToBaselineChart
{
    internal static Figure Draw(RelativeToBaselineData data)
    {
        string baseline = data.Baseline;
        List<GenericChart> traces = [.. data.Series.Select(s => RatioBars.Trace(s.Allocator, s.Points, baseline))];
        List<RatioBar> bars = [.. data.Series.SelectMany(s => s.Points)];
        traces.Add(RatioBars.LegendAtOne($"{baseline} (baseline)", AllocatorColors.Of(baseline), data.Categories));
        Dictionary<string, object> xAxis = Style.Axis("benchmark", "category");
        xAxis["categoryorder"] = "array";
        xAxis["categoryarray"] = data.Categories.ToArray();
        string measure = data.Metric switch
        {
            "ns_per_op" => "time per operation",
            "peak_rss_kib" => "peak RSS",
            _ => data.Metric,
        };
        Dictionary<string, object> yAxis = RatioBars.Axis($"{measure} relative to {baseline} (ratio)", bars);
        string how = (bars.Count(b => b.Ratio.Paired), bars.Count(b => !b.Ratio.Paired)) switch
        {
            (_, 0) => "ratios paired by repetition",
            (0, _) => "ratios of means",
            _ => "ratios paired by repetition where they pair up",
        };
        string interval = RatioBars.AnyInterval(bars) ? ", 95% CI" : "";
        string title = $"{char.ToUpperInvariant(measure[0])}{measure[1..]} relative to {baseline} (lower is better; {how}{interval})";
        int width = Math.Clamp(110 + data.Categories.Count * (30 + 10 * data.Series.Count), Style.Width, 1400);
        Dictionary<string, object>? cut = RatioBars.CutNote(data.Series.SelectMany(s => s.Points.Select(p => (s.Allocator, p))), yAxis);
        GenericChart chart = Style.Layout(CSharpChart.Combine(traces), title, xAxis, yAxis, width, Style.Height, more: layout =>
        {
            layout.SetProperty("barmode", "group");
            layout.SetProperty("showlegend", true); // one allocator: Plotly would drop the legend that names it
            layout.SetProperty("shapes", new[] { RatioBars.LineAtOne(AllocatorColors.Of(baseline)) });
            if (cut is not null)
            {
                Style.AddSecondNote(layout, cut);
            }
        });
        string name = (data.Metric == "ns_per_op" ? "" : data.Metric.Replace('_', '-') + "-") + $"relative-to-{baseline}"
            + (data.Threads is null ? "" : $"-{data.Threads}t");
        return new Figure(name, title, chart, [.. data.Series.Select(s => s.Allocator)], width);
    }
}
