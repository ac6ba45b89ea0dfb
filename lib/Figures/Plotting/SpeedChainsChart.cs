using Plotly.NET;
using Workbench.Figures.Shaping;
using CSharpChart = Plotly.NET.CSharp.Chart;

namespace Workbench.Figures.Plotting;

/// <summary>
/// Draws <see cref="SpeedChainsData"/>: one panel per size, in each grouped bars per routine and chain, one bar per
/// allocator (median, bars from the smallest to the largest repetition), on one log axis shared by the panels.
/// </summary>
internal static class SpeedChainsChart
{
    internal static Figure Draw(SpeedChainsData data)
    {
        Panels panels = new([.. data.Panels.Select(p => p.Title)], [.. data.Panels.Select(_ => "#222222")], maxColumns: 1, rowGap: 190);
        List<GenericChart> traces = [];
        List<double> spans = [];
        HashSet<string> inLegend = [];
        for (int i = 0; i < data.Panels.Count; i++)
        {
            foreach (AllocatorSeries<MedianRange> series in data.Panels[i].Series)
            {
                IReadOnlyList<MedianRange> values = series.Points;
                GenericChart trace = CSharpChart.Column<double, string, string>(values: values.Select(r => r.Median), Keys: values.Select(r => r.Label).ToList(),
                    Name: series.Allocator, MarkerColor: Color.fromHex(AllocatorColors.Of(series.Allocator)), UseDefaults: false);
                Style.YError(trace, [.. values.Select(r => r.Max - r.Median)], [.. values.Select(r => r.Median - r.Min)], "#333333");
                Style.Set(trace, "xaxis", Panels.X(i));
                Style.Set(trace, "yaxis", Panels.Y(i));
                Style.Set(trace, "legendgroup", series.Allocator);
                Style.Set(trace, "showlegend", inLegend.Add(series.Allocator));
                traces.Add(trace);
                spans.AddRange(values.SelectMany(r => new[] { r.Max, r.Median / 2 }));
            }
        }
        Dictionary<string, object> XAxis()
        {
            Dictionary<string, object> x = Style.Axis("routine or chain", "category");
            x["categoryorder"] = "array";
            x["categoryarray"] = data.Labels.ToArray();
            return x;
        }
        Dictionary<string, object> YAxis()
        {
            Dictionary<string, object> y = Style.Axis("time per call or chain (ns, log scale)", "log");
            Style.Ticks125(y, spans);
            return y;
        }
        int t = data.Threads;
        string title = $"speed: routines, chains and the tight pair per size, {t} thread{(t == 1 ? "" : "s")} (median; bars: min to max)";
        int height = panels.Height;
        GenericChart chart = Style.Layout(CSharpChart.Combine(traces), title, XAxis(), YAxis(), Style.Width, height,
            more: layout =>
            {
                layout.SetProperty("barmode", "group");
                panels.Apply(layout, XAxis, YAxis, yRange: null);
            });
        return new Figure("speed-chains", title, chart, [.. data.Panels.SelectMany(p => p.Series).Select(s => s.Allocator).Distinct()], Height: height);
    }
}
