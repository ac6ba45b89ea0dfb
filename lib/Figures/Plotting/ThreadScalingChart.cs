using Plotly.NET;
using Workbench.Figures.Shaping;
using CSharpChart = Plotly.NET.CSharp.Chart;

namespace Workbench.Figures.Plotting;

/// <summary>
/// Draws <see cref="ThreadScalingData"/>: a line per allocator against threads, with its confidence bars, on a log2
/// thread axis (1, 2, 4, ... evenly apart, as the thesis draws them), ticks at the thread counts run.
/// </summary>
internal static class ThreadScalingChart
{
    internal static Figure Draw(ThreadScalingData data)
    {
        List<string> slots = [.. data.Allocators];
        List<GenericChart> traces = [];
        List<double> tops = [];
        foreach (AllocatorSeries<ThreadScalingPoint> series in data.Series)
        {
            double dodge = AllocatorLine.Dodge(slots.IndexOf(series.Allocator), slots.Count);
            IReadOnlyList<ThreadScalingPoint> points = series.Points;
            // The offset is a factor on a log axis, so that it looks the same at every thread count.
            traces.Add(AllocatorLine.Trace(series.Allocator, points.Select(p => p.Threads * Math.Pow(2, dodge)), points.Select(p => p.Summary.Mean),
                [.. points.Select(p => p.Summary.CiHigh - p.Summary.Mean)], [.. points.Select(p => p.Summary.Mean - p.Summary.CiLow)]));
            tops.AddRange(points.Select(p => AllocatorLine.Top(p.Summary.Mean, p.Summary.CiHigh)));
        }
        bool throughput = data.Measure == Measure.Throughput;
        Dictionary<string, object> xAxis = Style.Axis("threads (log2 scale)", "log");
        xAxis.Remove("dtick");
        xAxis.Remove("exponentformat");
        xAxis["tickvals"] = data.Threads.ToArray();
        xAxis["ticktext"] = data.Threads.Select(t => t.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        xAxis["range"] = new[] { Math.Log10(data.Threads.Min() / 1.3), Math.Log10(data.Threads.Max() * 1.3) };
        Dictionary<string, object> yAxis = Style.Axis(throughput ? "throughput (million operations/s)" : "time per operation (ns)");
        yAxis["range"] = new[] { 0, tops.Max() * 1.08 };
        bool intervals = data.Series.Any(s => s.Points.Any(p => double.IsFinite(p.Summary.CiLow)));
        string title = $"{data.Benchmark}: {(throughput ? "throughput" : "time per operation")} against threads (mean{(intervals ? ", 95% CI" : "")})";
        GenericChart chart = Style.Layout(CSharpChart.Combine(traces), Style.Subtitled(title, data.Configuration), xAxis, yAxis, Style.Width, Style.Height);
        return new Figure($"{data.Benchmark}-threads{(throughput ? "" : "-time")}", title, chart, [.. data.Series.Select(s => s.Allocator)]);
    }
}
