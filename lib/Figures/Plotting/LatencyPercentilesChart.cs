using Plotly.NET;
using Workbench.Figures.Shaping;
using CSharpChart = Plotly.NET.CSharp.Chart;

namespace Workbench.Figures.Plotting;

/// <summary>Draws <see cref="LatencyPercentilesData"/>: a line per allocator through its percentiles, on a log axis.</summary>
internal static class LatencyPercentilesChart
{
    internal static Figure Draw(LatencyPercentilesData data)
    {
        List<GenericChart> traces = [.. data.Series.Select(s => AllocatorLine.Trace(s.Allocator,
            s.Points.Select(p => p.Label), s.Points.Select(p => p.Median),
            [.. s.Points.Select(p => p.Max - p.Median)], [.. s.Points.Select(p => p.Median - p.Min)]))];
        int t = data.Threads;
        string title = $"latency: {data.Operation} percentiles, {t} thread{(t == 1 ? "" : "s")} (median of repetitions; bars: min to max)";
        GenericChart chart = Style.Layout(CSharpChart.Combine(traces), title, Style.Axis("percentile", "category"),
            Style.Axis($"{data.Operation} latency (ns, log scale)", "log"), Style.Width, Style.Height);
        return new Figure($"latency-{data.Operation}-percentiles", title, chart, [.. data.Series.Select(s => s.Allocator)]);
    }
}
