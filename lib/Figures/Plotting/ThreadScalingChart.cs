using Plotly.NET;
using Workbench.Figures.Shaping;
using CSharpChart = Plotly.NET.CSharp.Chart;

namespace Workbench.Figures.Plotting;

/// <summary>Draws <see cref="ThreadScalingData"/>: a line per allocator against threads, with its confidence bars.</summary>
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
            traces.Add(AllocatorLine.Trace(series.Allocator, points.Select(p => p.Threads + dodge), points.Select(p => p.Summary.Mean),
                [.. points.Select(p => p.Summary.CiHigh - p.Summary.Mean)], [.. points.Select(p => p.Summary.Mean - p.Summary.CiLow)]));
            tops.AddRange(points.Select(p => AllocatorLine.Top(p.Summary.Mean, p.Summary.CiHigh)));
        }
        bool throughput = data.Measure == Measure.Throughput;
        Dictionary<string, object> xAxis = Style.Axis("threads");
        xAxis["tickvals"] = data.Threads.ToArray();
        xAxis["range"] = new[] { data.Threads.Min() - 0.3, data.Threads.Max() + 0.3 };
        Dictionary<string, object> yAxis = Style.Axis(throughput ? "throughput (million operations/s)" : "time per operation (ns)");
        yAxis["range"] = new[] { 0, tops.Max() * 1.08 };
        bool intervals = data.Series.Any(s => s.Points.Any(p => double.IsFinite(p.Summary.CiLow)));
        string title = $"{data.Benchmark}: {(throughput ? "throughput" : "time per operation")} against threads (mean{(intervals ? ", 95% CI" : "")})";
        GenericChart chart = Style.Layout(CSharpChart.Combine(traces), Style.Subtitled(title, data.Configuration), xAxis, yAxis, Style.Width, Style.Height);
        return new Figure($"{data.Benchmark}-threads{(throughput ? "" : "-time")}", title, chart, [.. data.Series.Select(s => s.Allocator)]);
    }
}
