using Plotly.NET;
using Workbench.Figures.Shaping;
using CSharpChart = Plotly.NET.CSharp.Chart;

namespace Workbench.Figures.Plotting;

/// <summary>Draws <see cref="MemoryOverTimeData"/>: per allocator, its RSS as a solid line and its requested bytes dotted, one colour.</summary>
internal static class MemoryOverTimeChart
{
    internal static Figure Draw(MemoryOverTimeData data)
    {
        List<GenericChart> traces = [];
        foreach (MemoryTrace trial in data.Traces)
        {
            string colour = AllocatorColors.Of(trial.Allocator);
            GenericChart rss = CSharpChart.Scatter<double, double, string>(
                x: trial.Resident.Select(s => s.Seconds), y: trial.Resident.Select(s => s.MiB), mode: StyleParam.Mode.Lines,
                Name: trial.Allocator, LineColor: Color.fromHex(colour), LineWidth: 2.5, UseDefaults: false);
            Style.Set(rss, "legendgroup", trial.Allocator);
            traces.Add(rss);
            if (trial.Requested.Count > 0)
            {
                GenericChart asked = CSharpChart.Scatter<double, double, string>(
                    x: trial.Requested.Select(s => s.Seconds), y: trial.Requested.Select(s => s.MiB), mode: StyleParam.Mode.Lines,
                    Name: trial.Allocator + " requested", LineColor: Color.fromHex(colour), LineWidth: 1.2, LineDash: StyleParam.DrawingStyle.Dot, UseDefaults: false);
                Style.Set(asked, "legendgroup", trial.Allocator);
                Style.Set(asked, "showlegend", false);
                Style.Set(asked, "opacity", 0.7);
                traces.Add(asked);
            }
        }
        int t = data.Threads;
        string title = $"{data.Benchmark}: memory over time, {t} thread{(t == 1 ? "" : "s")} " +
            (data.HasRequested ? "(solid: RSS; dotted, same colour: bytes requested and not yet freed)" : "(resident set size)");
        Dictionary<string, object> yAxis = Style.Axis("memory (MiB)");
        yAxis["rangemode"] = "tozero";
        GenericChart chart = Style.Layout(CSharpChart.Combine(traces), title, Style.Axis("time since the trial started (s)"), yAxis, Style.Width, Style.Height,
            more: layout => ((Dictionary<string, object>)layout.GetPropertyValue("legend"))["tracegroupgap"] = 2);
        return new Figure($"{data.Benchmark}-over-time", title, chart, [.. data.Traces.Select(s => s.Allocator)]);
    }
}
