using Plotly.NET;
using Workbench.Figures.Shaping;

namespace Workbench.Figures.Plotting;

/// <summary>Draws <see cref="VersusBestPeerData"/>: the subject's ratio bars, one per configuration, against a dashed line at 1.</summary>
internal static class VersusBestPeerChart
{
    internal static Figure Draw(VersusBestPeerData data)
    {
        string subject = data.Subject;
        GenericChart trace = RatioBars.Trace(subject, data.Bars, "the best peer");
        Dictionary<string, object> xAxis = Style.Axis("benchmark and threads (best native peer)", "category");
        xAxis["categoryorder"] = "array";
        xAxis["categoryarray"] = data.Bars.Select(b => b.Label).ToArray();
        Dictionary<string, object> yAxis = RatioBars.Axis("time per operation relative to the best peer (ratio)", data.Bars);
        string title = $"{subject}: time per operation relative to the best native peer of each row (lower is better; paired, 95% CI)";
        int width = Math.Clamp(110 + data.Bars.Count * 45, Style.Width, 1400);
        GenericChart chart = Style.Layout(trace, title, xAxis, yAxis, width, Style.Height, more: layout =>
        {
            layout.SetProperty("showlegend", true); // one trace: Plotly would drop the legend that names the subject
            layout.SetProperty("shapes", new[] { RatioBars.LineAtOne("#555555") });
        });
        return new Figure($"{subject}-vs-best-peer", title, chart, [subject], width);
    }
}
