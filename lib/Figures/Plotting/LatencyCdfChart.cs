using Plotly.NET;
using Workbench.Figures.Shaping;
using CSharpChart = Plotly.NET.CSharp.Chart;

namespace Workbench.Figures.Plotting;

/// <summary>Draws <see cref="LatencyCdfData"/>: a step line per allocator on log-log axes.</summary>
internal static class LatencyCdfChart
{
    internal static Figure Draw(LatencyCdfData data)
    {
        List<GenericChart> traces = [];
        foreach (AllocatorSeries<TailPoint> series in data.Series)
        {
            string colour = AllocatorColors.Of(series.Allocator);
            GenericChart trace = CSharpChart.Scatter<double, double, string>(x: series.Points.Select(p => p.LatencyNs), y: series.Points.Select(p => p.FractionSlower),
                mode: StyleParam.Mode.Lines_Markers, Name: series.Allocator, MarkerColor: Color.fromHex(colour), LineColor: Color.fromHex(colour),
                LineWidth: 2.5, UseDefaults: false);
            Style.Set(trace, "line", new Dictionary<string, object> { ["color"] = colour, ["width"] = 2.5, ["shape"] = "vh" });
            Style.Set(trace, "marker", new Dictionary<string, object> { ["color"] = colour, ["size"] = 8 });
            traces.Add(trace);
        }
        int t = data.Threads;
        string title = $"latency: {data.Operation} tail distribution, {t} thread{(t == 1 ? "" : "s")} (1 - CDF, log-log)";
        GenericChart chart = Style.Layout(CSharpChart.Combine(traces), title, Style.Axis($"{data.Operation} latency (ns, log scale)", "log"),
            Style.Axis("fraction of calls slower (1 - CDF, log scale)", "log"), Style.Width, Style.Height);
        return new Figure($"latency-{data.Operation}-cdf", title, chart, [.. data.Series.Select(s => s.Allocator)]);
    }
}
