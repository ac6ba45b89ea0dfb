using Plotly.NET;
using Workbench.Figures.Shaping;
using CSharpChart = Plotly.NET.CSharp.Chart;

namespace Workbench.Figures.Plotting;

/// <summary>Draws <see cref="SpeedRoutinesData"/>: grouped bars per routine, one per allocator, on a log axis.</summary>
internal static class SpeedRoutinesChart
{
    internal static Figure Draw(SpeedRoutinesData data)
    {
        List<GenericChart> traces = [];
        List<double> spans = [];
        foreach (AllocatorSeries<MedianRange> series in data.Series)
        {
            IReadOnlyList<MedianRange> routines = series.Points;
            GenericChart trace = CSharpChart.Column<double, string, string>(values: routines.Select(r => r.Median), Keys: routines.Select(r => r.Label).ToList(),
                Name: series.Allocator, MarkerColor: Color.fromHex(AllocatorColors.Of(series.Allocator)), UseDefaults: false);
            Style.YError(trace, [.. routines.Select(r => r.Max - r.Median)], [.. routines.Select(r => r.Median - r.Min)], "#333333");
            traces.Add(trace);
            spans.AddRange(routines.SelectMany(r => new[] { r.Max, r.Median / 2 }));
        }
        Dictionary<string, object> xAxis = Style.Axis("routine", "category");
        xAxis["categoryorder"] = "array";
        xAxis["categoryarray"] = data.Routines.ToArray();
        // Log scale: the floor (bump) and the .NET allocators can be ten times slower than the native ones.
        Dictionary<string, object> yAxis = Style.Axis("time per call (ns, log scale)", "log");
        Style.Ticks125(yAxis, spans);
        int t = data.Threads;
        string title = $"speed: time per call of each routine, {t} thread{(t == 1 ? "" : "s")} (median; bars: min to max)";
        GenericChart chart = Style.Layout(CSharpChart.Combine(traces), title, xAxis, yAxis, Style.Width, Style.Height,
            more: layout => layout.SetProperty("barmode", "group"));
        return new Figure("speed-routines", title, chart, [.. data.Series.Select(s => s.Allocator)]);
    }
}
