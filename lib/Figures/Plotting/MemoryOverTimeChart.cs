using Plotly.NET;
using Workbench.Figures.Shaping;
using CSharpChart = Plotly.NET.CSharp.Chart;

namespace Workbench.Figures.Plotting;

/// <summary>
/// Draws <see cref="MemoryOverTimeData"/>: one panel per allocator (small multiples, one y range for all), in each the
/// brk heap, the mmap memory and the bytes requested over the runtime's baseline (or the RSS over it where heap and mmap
/// were not measured), one colour per line kind; every repetition is a line, the later ones fainter.
/// </summary>
internal static class MemoryOverTimeChart
{
    private static readonly (string Name, string Colour, StyleParam.DrawingStyle Dash)[] Kinds =
    [
        ("heap (brk)", "#1F77B4", StyleParam.DrawingStyle.Solid),
        ("mmap", "#D62728", StyleParam.DrawingStyle.Solid),
        ("RSS", "#2CA02C", StyleParam.DrawingStyle.Solid),
        ("requested", "#444444", StyleParam.DrawingStyle.Dot),
    ];

    internal static Figure Draw(MemoryOverTimeData data)
    {
        Panels panels = new([.. data.Panels.Select(p => p.Allocator)], [.. data.Panels.Select(p => AllocatorColors.Of(p.Allocator))], maxColumns: data.Panels.Count > 4 ? 4 : 2);
        List<GenericChart> traces = [];
        HashSet<string> inLegend = [];
        double low = 0;
        double high = 0;
        for (int i = 0; i < data.Panels.Count; i++)
        {
            foreach (MemoryTrace run in data.Panels[i].Repetitions)
            {
                IReadOnlyList<MemorySample>[] lines = [run.Heap, run.Mmap, run.Resident, run.Requested];
                for (int k = 0; k < Kinds.Length; k++)
                {
                    if (lines[k].Count == 0)
                    {
                        continue;
                    }
                    (string kind, string colour, StyleParam.DrawingStyle dash) = Kinds[k];
                    GenericChart line = CSharpChart.Scatter<double, double, string>(
                        x: lines[k].Select(s => s.Seconds), y: lines[k].Select(s => s.MiB), mode: StyleParam.Mode.Lines,
                        Name: kind, LineColor: Color.fromHex(colour), LineWidth: dash == StyleParam.DrawingStyle.Dot ? 1.5 : 2, LineDash: dash, UseDefaults: false);
                    Style.Set(line, "xaxis", Panels.X(i));
                    Style.Set(line, "yaxis", Panels.Y(i));
                    Style.Set(line, "legendgroup", kind);
                    Style.Set(line, "showlegend", inLegend.Add(kind));
                    Style.Set(line, "opacity", run == data.Panels[i].Repetitions[0] ? 0.95 : 0.4);
                    traces.Add(line);
                    low = Math.Min(low, lines[k].Min(s => s.MiB));
                    high = Math.Max(high, lines[k].Max(s => s.MiB));
                }
            }
        }
        int t = data.Threads;
        int reps = data.Repetitions;
        string what = data.HasSplit ? "heap and mmap" : "RSS";
        string title = $"{data.Benchmark}: {what} over the runtime's baseline, {t} thread{(t == 1 ? "" : "s")}, {reps} repetition{(reps == 1 ? "" : "s")}";
        string subtitle = data.Configuration + (reps > 1 ? "; fainter lines: repetitions after the first" : "");
        string xTitle = data.NormalizedTime ? "fraction of the run" : "time since start (s)";
        double margin = (high - low) * 0.05 + 0.01;
        GenericChart chart = Style.Layout(CSharpChart.Combine(traces), Style.Subtitled(title, subtitle),
            Style.Axis(xTitle), Style.Axis("memory over baseline (MiB)"), Style.Width, panels.Height, legendTitle: "memory",
            more: layout => panels.Apply(layout, () => Style.Axis(xTitle), () => Style.Axis("memory over baseline (MiB)"), [low - margin, high + margin]));
        string name = $"{data.Benchmark}-over-time";
        return new Figure(name, title, chart, [.. data.Panels.Select(p => p.Allocator)], Height: panels.Height);
    }
}
