using Plotly.NET;
using Workbench.Figures.Shaping;
using CSharpChart = Plotly.NET.CSharp.Chart;

namespace Workbench.Figures.Plotting;

/// <summary>Draws <see cref="FalseSharingSpeedupData"/>: a speed-up line per allocator with its interval bars, under a dashed ideal P-fold line.</summary>
internal static class FalseSharingSpeedupChart
{
    internal static Figure Draw(FalseSharingSpeedupData data)
    {
        List<string> slots = [.. data.Allocators];
        List<double> tops = [data.Threads.Max()];
        List<GenericChart> traces = [];
        foreach (AllocatorSeries<SpeedupPoint> series in data.Series)
        {
            double dodge = AllocatorLine.Dodge(slots.IndexOf(series.Allocator), slots.Count);
            IReadOnlyList<SpeedupPoint> points = series.Points;
            traces.Add(AllocatorLine.Trace(series.Allocator, [.. points.Select(p => p.Threads + dodge)], [.. points.Select(p => p.Speedup.Ratio)],
                [.. points.Select(p => p.Speedup.RatioHigh - p.Speedup.Ratio)], [.. points.Select(p => p.Speedup.Ratio - p.Speedup.RatioLow)]));
            tops.AddRange(points.Select(p => AllocatorLine.Top(p.Speedup.Ratio, p.Speedup.RatioHigh)));
        }
        GenericChart ideal = CSharpChart.Scatter<int, int, string>(x: data.Threads, y: data.Threads, mode: StyleParam.Mode.Lines,
            Name: "ideal (P-fold)", LineColor: Color.fromHex("#222222"), LineWidth: 1.5, LineDash: StyleParam.DrawingStyle.Dash, UseDefaults: false);
        traces.Insert(0, ideal);
        Dictionary<string, object> xAxis = Style.Axis("threads (P)");
        xAxis["tickvals"] = data.Threads.ToArray();
        xAxis["range"] = new[] { data.Threads.Min() - 0.3, data.Threads.Max() + 0.3 };
        Dictionary<string, object> yAxis = Style.Axis("speed-up over 1 thread (elapsed(1) / elapsed(P))");
        double axisTop = tops.Max() * 1.08;
        yAxis["range"] = new[] { 0, axisTop };
        Dictionary<string, object>? cut = AllocatorLine.CutNote(data.Series.SelectMany(s => s.Points
            .Select(p => (s.Allocator, (double)p.Threads, p.Speedup.RatioLow, p.Speedup.RatioHigh))), axisTop);
        bool intervals = data.Series.Any(s => s.Points.Any(p => double.IsFinite(p.Speedup.RatioHigh) && p.Threads > 1));
        string kind = data.Benchmark switch
        {
            "cache-scratch" => "passive ",
            "cache-thrash" => "active ",
            _ => "",
        };
        string title = $"{data.Benchmark}: {kind}false sharing, speed-up against the ideal P-fold line{(intervals ? " (95% CI)" : "")}";
        GenericChart chart = Style.Layout(CSharpChart.Combine(traces), title, xAxis, yAxis, Style.Width, Style.Height, more: layout =>
        {
            if (cut is not null)
            {
                Style.AddSecondNote(layout, cut);
            }
        });
        return new Figure($"{data.Benchmark}-speedup", title, chart, [.. data.Series.Select(s => s.Allocator)]);
    }
}
