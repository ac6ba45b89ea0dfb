using Plotly.NET;
using Workbench.Figures.Shaping;
using CSharpChart = Plotly.NET.CSharp.Chart;

namespace Workbench.Figures.Plotting;

/// <summary>Draws <see cref="VersusBestPeerData"/>: the subject's ratio bars, one per configuration, against a dashed line at 1 that the legend names.</summary>
internal static class VersusBestPeerChart
{
    internal static Figure Draw(VersusBestPeerData data)
    {
        string subject = data.Subject;
        List<string> categories = [.. data.Bars.Select(b => b.Label)];
        GenericChart trace = CSharpChart.Combine([RatioBars.Trace(subject, data.Bars, "the best peer"),
            RatioBars.LegendAtOne("best native peer", "#555555", categories)]);
        Dictionary<string, object> xAxis = Style.Axis("benchmark and threads (best native peer)", "category");
        xAxis["categoryorder"] = "array";
        xAxis["categoryarray"] = categories.ToArray();
        Dictionary<string, object> yAxis = RatioBars.Axis("time / best peer's time", data.Bars);
        string interval = RatioBars.AnyInterval(data.Bars) ? "; paired, 95% CI" : "";
        string title = $"{subject}: time per operation relative to the best native peer of each row (lower is better{interval})";
        int width = Math.Clamp(110 + data.Bars.Count * 45, Style.Width, 1400);
        Dictionary<string, object>? cut = RatioBars.CutNote(data.Bars.Select(b => (subject, b)), yAxis);
        GenericChart chart = Style.Layout(trace, title, xAxis, yAxis, width, Style.Height, more: layout =>
        {
            layout.SetProperty("showlegend", true);
            layout.SetProperty("shapes", new[] { RatioBars.LineAtOne("#555555") });
            if (cut is not null)
            {
                Style.AddSecondNote(layout, cut);
            }
        });
        return new Figure($"{subject}-vs-best-peer", title, chart, [subject], width);
    }
}
