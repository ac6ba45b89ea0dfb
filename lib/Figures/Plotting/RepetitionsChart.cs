using Plotly.NET;
using Workbench.Figures.Shaping;
using CSharpChart = Plotly.NET.CSharp.Chart;

namespace Workbench.Figures.Plotting;

/// <summary>Draws <see cref="RepetitionsData"/>: a box per allocator and thread count, every repetition a point beside it.</summary>
internal static class RepetitionsChart
{
    internal static Figure Draw(RepetitionsData data)
    {
        List<GenericChart> traces = [];
        foreach (AllocatorSeries<RepetitionTime> series in data.Series)
        {
            string colour = AllocatorColors.Of(series.Allocator);
            GenericChart trace = CSharpChart.BoxPlot<string, double, string>(
                X: series.Points.Select(p => p.Threads == 1 ? "1 thread" : $"{p.Threads} threads").ToArray(),
                Y: series.Points.Select(p => p.NsPerOp).ToArray(),
                Name: series.Allocator, MarkerColor: Color.fromHex(colour), BoxPoints: StyleParam.BoxPoints.All,
                Jitter: 0.3, PointPos: -1.6, UseDefaults: false);
            Style.Set(trace, "line", new Dictionary<string, object> { ["color"] = colour, ["width"] = 1.5 });
            traces.Add(trace);
        }
        string title = $"{data.Benchmark}: time per operation over the repetitions";
        Dictionary<string, object> yAxis = Style.Axis("time per operation (ns)");
        yAxis["rangemode"] = "tozero";
        GenericChart chart = Style.Layout(CSharpChart.Combine(traces), Style.Subtitled(title, data.Configuration), Style.Axis("threads", "category"), yAxis,
            Style.Width, Style.Height, more: layout => layout.SetProperty("boxmode", "group"));
        return new Figure($"{data.Benchmark}-repetitions", title, chart, [.. data.Series.Select(s => s.Allocator)]);
    }
}
