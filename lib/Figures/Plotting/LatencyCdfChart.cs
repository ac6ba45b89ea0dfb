using Plotly.NET;
using Workbench.Figures.Shaping;
using CSharpChart = Plotly.NET.CSharp.Chart;

namespace Workbench.Figures.Plotting;

/// <summary>Draws <see cref="LatencyCdfData"/>: a step line per allocator on log-log axes, with the clock's floor.</summary>
internal static class LatencyCdfChart
{
    internal static Figure Draw(LatencyCdfData data)
    {
        List<GenericChart> traces = [];
        foreach (AllocatorSeries<TailPoint> series in data.Series)
        {
            string colour = AllocatorColors.Of(series.Allocator);
            // The fraction slower holds from one point until the next latency, where it drops: horizontal, then vertical.
            GenericChart trace = CSharpChart.Scatter<double, double, string>(x: series.Points.Select(p => p.LatencyNs), y: series.Points.Select(p => p.FractionSlower),
                mode: data.FromHistograms ? StyleParam.Mode.Lines : StyleParam.Mode.Lines_Markers, Name: series.Allocator, MarkerColor: Color.fromHex(colour),
                LineColor: Color.fromHex(colour), LineWidth: 2.5, UseDefaults: false);
            Style.Set(trace, "line", new Dictionary<string, object> { ["color"] = colour, ["width"] = 2.5, ["shape"] = "hv" });
            Style.Set(trace, "marker", new Dictionary<string, object> { ["color"] = colour, ["size"] = 8 });
            traces.Add(trace);
        }
        List<double> latencies = [.. data.Series.SelectMany(s => s.Points.Select(p => p.LatencyNs))];
        List<double> fractions = [.. data.Series.SelectMany(s => s.Points.Select(p => p.FractionSlower)), 1];
        if (double.IsFinite(data.ClockFloorNs) && data.ClockFloorNs > 0)
        {
            latencies.Add(data.ClockFloorNs);
            traces.Add(ClockFloor.Vertical(data.ClockFloorNs, fractions.Where(f => f > 0).Min(), 1));
        }
        int t = data.Threads;
        string how = data.FromHistograms ? "from the histograms, repetitions pooled" : "through the 5 stored percentiles";
        string title = $"latency: {data.Operation} tail distribution, {t} thread{(t == 1 ? "" : "s")} (1 - CDF {how}, log-log)";
        Dictionary<string, object> xAxis = Style.Axis($"{data.Operation} latency (ns, log scale)", "log");
        Style.Ticks125(xAxis, latencies);
        Dictionary<string, object> yAxis = Style.Axis("fraction of calls slower (1 - CDF, log scale)", "log");
        GenericChart chart = Style.Layout(CSharpChart.Combine(traces), title, xAxis, yAxis, Style.Width, Style.Height);
        return new Figure($"latency-{data.Operation}-cdf", title, chart, [.. data.Series.Select(s => s.Allocator)]);
    }
}
