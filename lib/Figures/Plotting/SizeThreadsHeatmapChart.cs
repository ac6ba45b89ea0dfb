using System.Globalization;
using Plotly.NET;
using Workbench.Figures.Shaping;
using CSharpChart = Plotly.NET.CSharp.Chart;

namespace Workbench.Figures.Plotting;

/// <summary>
/// Draws <see cref="SizeThreadsHeatmapData"/>: a cell per size distribution and thread count with its value written in it;
/// times on a reversed Viridis scale, or ratios as log2 on a red-blue scale centred on 1 (blue faster, red slower).
/// </summary>
internal static class SizeThreadsHeatmapChart
{
    internal static Figure Draw(SizeThreadsHeatmapData data)
    {
        double[][] z = [.. data.Values.Select(row => row.ToArray())];
        string[][] text = [.. z.Select(row => row.Select(Style.Number).ToArray())];
        string unit = data.Relative ? $"time relative to {data.Baseline} (log scale)" : "time per operation (ns)";
        double[][] colour = data.Relative ? [.. z.Select(r => r.Select(v => double.IsFinite(v) && v > 0 ? Math.Log2(v) : double.NaN).ToArray())] : z;
        GenericChart trace = CSharpChart.Heatmap<double, string, string, string>(
            zData: colour, X: data.Threads.Select(t => t.ToString(CultureInfo.InvariantCulture)).ToArray(), Y: data.Sizes.ToArray(),
            Name: data.Allocator, UseDefaults: false);
        Style.Set(trace, "text", text);
        Style.Set(trace, "texttemplate", "%{text}");
        Style.Set(trace, "hovertemplate", "threads %{x}, sizes %{y}: %{text}<extra>" + data.Allocator + "</extra>");
        Style.Set(trace, "textfont", new Dictionary<string, object> { ["size"] = 16 });
        Dictionary<string, object> colourBar = new() { ["title"] = new Dictionary<string, object> { ["text"] = unit, ["side"] = "right" } };
        if (data.Relative)
        {
            double spread = Math.Max(0.25, colour.SelectMany(r => r).Where(double.IsFinite).Select(Math.Abs).DefaultIfEmpty(1).Max());
            Style.Set(trace, "colorscale", "RdBu");
            Style.Set(trace, "reversescale", false);
            Style.Set(trace, "zmid", 0);
            Style.Set(trace, "zmin", -spread);
            Style.Set(trace, "zmax", spread);
            int[] ticks = [.. Enumerable.Range(-(int)Math.Ceiling(spread), 2 * (int)Math.Ceiling(spread) + 1)];
            colourBar["tickvals"] = ticks;
            colourBar["ticktext"] = ticks.Select(t => Style.Number(Math.Pow(2, t))).ToArray();
        }
        else
        {
            Style.Set(trace, "colorscale", "Viridis");
            Style.Set(trace, "reversescale", true);
        }
        Style.Set(trace, "colorbar", colourBar);
        string title = $"{data.Benchmark}: {data.Allocator}, {(data.Relative ? $"time relative to {data.Baseline}" : "time per operation")} by size distribution and threads";
        GenericChart chart = Style.Layout(trace, title, Style.Axis("threads", "category"), Style.Axis("size distribution", "category"),
            Style.Width, Math.Max(360, 160 + 60 * data.Sizes.Count));
        return new Figure($"{data.Benchmark}-{data.Allocator}-sizes-threads", title, chart, [data.Allocator]);
    }
}
