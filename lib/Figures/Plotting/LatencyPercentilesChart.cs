using Plotly.NET;
using Workbench.Figures.Shaping;
using CSharpChart = Plotly.NET.CSharp.Chart;

namespace Workbench.Figures.Plotting;

/// <summary>Draws <see cref="LatencyPercentilesData"/>: a line per allocator through its percentiles on a log axis labelled 1-2-5, over the clock's floor.</summary>
internal static class LatencyPercentilesChart
{
    internal static Figure Draw(LatencyPercentilesData data)
    {
        List<GenericChart> traces = [.. data.Series.Select(s => AllocatorLine.Trace(s.Allocator,
            s.Points.Select(p => p.Label), s.Points.Select(p => p.Median),
            [.. s.Points.Select(p => p.Max - p.Median)], [.. s.Points.Select(p => p.Median - p.Min)]))];
        List<string> categories = [.. data.Series.SelectMany(s => s.Points.Select(p => p.Label)).Distinct(StringComparer.Ordinal)
            .OrderBy(l => l == "max" ? double.MaxValue : double.Parse(l[1..], System.Globalization.CultureInfo.InvariantCulture))];
        List<double> values = [.. data.Series.SelectMany(s => s.Points.SelectMany(p => new[] { p.Min, p.Max }))];
        if (double.IsFinite(data.ClockFloorNs) && data.ClockFloorNs > 0)
        {
            values.Add(data.ClockFloorNs);
            traces.Add(ClockFloor.Horizontal(data.ClockFloorNs, categories));
        }
        int t = data.Threads;
        string title = $"latency: {data.Operation} percentiles, {t} thread{(t == 1 ? "" : "s")} (median of repetitions; bars: min to max)";
        Dictionary<string, object> xAxis = Style.Axis("percentile", "category");
        xAxis["categoryorder"] = "array";
        xAxis["categoryarray"] = categories.ToArray();
        Dictionary<string, object> yAxis = Style.Axis($"{data.Operation} latency (ns, log scale)", "log");
        // Ticks at 1, 2 and 5 per decade over every value drawn, so that p50 to p99 (often within one decade) are labelled.
        Style.Ticks125(yAxis, values);
        GenericChart chart = Style.Layout(CSharpChart.Combine(traces), title, xAxis, yAxis, Style.Width, Style.Height);
        return new Figure($"latency-{data.Operation}-percentiles", title, chart, [.. data.Series.Select(s => s.Allocator)]);
    }
}
