using System.Globalization;
using DynamicObj;
using Plotly.NET;

namespace Workbench.Figures;

/// <summary>
/// The look shared by every figure: white background, framed axes with outside ticks, a light grid, one
/// font, a legend titled by what it lists, and axis titles with units. Layout and error bars are set as
/// plotly.js attributes on Plotly.NET's dynamic objects (Plotly.NET 6 has no C# API for them).
/// </summary>
internal static class Style
{
    internal const string Font = "Arial, Helvetica, sans-serif";

    /// <summary>Default static width (CSS pixels): fits a two-column paper's full width at scale 2.</summary>
    internal const int Width = 900;

    /// <summary>Default static height.</summary>
    internal const int Height = 540;

    /// <summary>An axis: title with units, and its type (<c>linear</c>, <c>log</c> or <c>category</c>).</summary>
    internal static Dictionary<string, object> Axis(string title, string type = "linear")
    {
        Dictionary<string, object> axis = new()
        {
            ["title"] = new Dictionary<string, object> { ["text"] = title, ["font"] = new Dictionary<string, object> { ["size"] = 16 } },
            ["type"] = type,
            ["showline"] = true,
            ["linecolor"] = "#444444",
            ["linewidth"] = 1,
            ["mirror"] = true,
            ["ticks"] = "outside",
            ["tickfont"] = new Dictionary<string, object> { ["size"] = 14 },
            ["showgrid"] = true,
            ["gridcolor"] = "#E5E5E5",
            ["zeroline"] = false,
            ["automargin"] = true,
        };
        if (type == "log")
        {
            axis["dtick"] = 1;
            axis["exponentformat"] = "power";
        }
        return axis;
    }

    /// <summary>Sets the layout of a chart (replacing what the trace constructors left).</summary>
    internal static GenericChart Layout(GenericChart chart, string title, Dictionary<string, object> xAxis, Dictionary<string, object> yAxis,
        int width, int height, string legendTitle = "allocator", Action<Layout>? more = null)
    {
        Layout layout = new();
        layout.SetProperty("title", new Dictionary<string, object>
        {
            ["text"] = title,
            ["x"] = 0.01,
            ["xanchor"] = "left",
            // At the top, so that the line above the plot (the repetitions, a cut interval) never meets it.
            ["yref"] = "container",
            ["y"] = 1,
            ["yanchor"] = "top",
            // plotly.js anchors a two-line title's top too high by about a line's half: it gets more room.
            ["pad"] = new Dictionary<string, object> { ["t"] = title.Contains("<br>", StringComparison.Ordinal) ? 22 : 10 },
            ["font"] = new Dictionary<string, object> { ["size"] = 18 },
        });
        layout.SetProperty("xaxis", xAxis);
        layout.SetProperty("yaxis", yAxis);
        layout.SetProperty("font", new Dictionary<string, object> { ["family"] = Font, ["size"] = 14, ["color"] = "#222222" });
        layout.SetProperty("legend", new Dictionary<string, object>
        {
            ["title"] = new Dictionary<string, object> { ["text"] = legendTitle },
            ["bordercolor"] = "#CCCCCC",
            ["borderwidth"] = 1,
        });
        layout.SetProperty("width", width);
        layout.SetProperty("height", height);
        layout.SetProperty("margin", new Dictionary<string, object> { ["l"] = 80, ["r"] = 30, ["t"] = title.Contains("<br>", StringComparison.Ordinal) ? 85 : 60, ["b"] = 70 });
        layout.SetProperty("plot_bgcolor", "#FFFFFF");
        layout.SetProperty("paper_bgcolor", "#FFFFFF");
        more?.Invoke(layout);
        return GenericChart.setLayout(layout, chart);
    }

    /// <summary>The height of a line of the notes above the plot (repetitions, cut intervals), pixels.</summary>
    internal const int NoteLine = 16;

    /// <summary>
    /// Adds a note as a second line above the plot, over the repetitions' line, and makes room for it in the top margin.
    /// </summary>
    internal static void AddSecondNote(Layout layout, Dictionary<string, object> note)
    {
        note["yshift"] = 3 + NoteLine;
        AddAnnotation(layout, note);
        if (layout.TryGetPropertyValue("margin") is { } margin && margin.Value is Dictionary<string, object> sides && sides.TryGetValue("t", out object? t) && t is int top)
        {
            sides["t"] = top + NoteLine;
        }
    }

    /// <summary>Adds an annotation to a layout, after those it has.</summary>
    internal static void AddAnnotation(Layout layout, Dictionary<string, object> annotation)
    {
        List<object> annotations = layout.TryGetPropertyValue("annotations") is { } existing && existing.Value is System.Collections.IEnumerable old
            ? [.. old.Cast<object>()]
            : [];
        annotations.Add(annotation);
        layout.SetProperty("annotations", annotations.ToArray());
    }

    /// <summary>Asymmetric error bars on the y values of a chart's traces.</summary>
    internal static void YError(GenericChart chart, IReadOnlyList<double> plus, IReadOnlyList<double> minus, string colour)
    {
        // No interval anywhere (one repetition): no error bars at all, not bars of length 0.
        if (!plus.Concat(minus).Any(v => double.IsFinite(v) && v > 0))
        {
            return;
        }
        foreach (Trace trace in GenericChart.getTraces(chart))
        {
            trace.SetProperty("error_y", new Dictionary<string, object>
            {
                ["type"] = "data",
                ["symmetric"] = false,
                ["array"] = Clean(plus),
                ["arrayminus"] = Clean(minus),
                ["color"] = colour,
                ["thickness"] = 1.5,
                ["width"] = 5,
                ["visible"] = true,
            });
        }
    }

    /// <summary>Sets a plotly.js attribute on every trace of a chart.</summary>
    internal static GenericChart Set(GenericChart chart, string attribute, object value)
    {
        foreach (Trace trace in GenericChart.getTraces(chart))
        {
            trace.SetProperty(attribute, value);
        }
        return chart;
    }

    /// <summary>
    /// A log axis spanning <paramref name="values"/> (with a little room), ticks at 1, 2 and 5 times powers of ten
    /// written out (0.5 rather than a bare 5 below 1; 30k and 1M above 10,000), or at finer steps where that gives fewer than four, or at
    /// 1 and 3 or powers of ten alone over many decades. The range reaches a labelled tick at or below the smallest value
    /// and one at or above the largest, so that no value lies beyond the last label.
    /// </summary>
    internal static void Ticks125(Dictionary<string, object> axis, IReadOnlyCollection<double> values)
    {
        List<double> positive = [.. values.Where(v => v > 0 && double.IsFinite(v))];
        if (positive.Count == 0)
        {
            return;
        }
        double smallest = positive.Min();
        double largest = positive.Max();
        double decades = Math.Log10(largest / smallest);
        // 1-2-5 per decade; a narrow range (ratios between 0.5 and 1.2, say) gets finer steps so that 0.8 and 0.9 can be read;
        // a wide one (latencies from 20 ns to 10 ms) 1-3 or powers of ten alone, so that the labels do not crowd.
        double[][] choices = decades > 6 ? [[1.0], [1.0, 3]] : decades > 3.5 ? [[1.0, 3], [1.0, 2, 5]] : [[1.0, 2, 5], [1.0, 1.5, 2, 3, 5, 7], [1.0, 1.1, 1.2, 1.5, 2, 3, 4, 5, 6, 7, 8, 9]];
        double[] ticks = [];
        double low = smallest / 1.15;
        double high = largest * 1.15;
        foreach (double[] mantissas in choices)
        {
            double[] series = [.. Enumerable.Range(-7, 19).SelectMany(e => mantissas.Select(m => m * Math.Pow(10, e)))];
            low = Math.Min(smallest / 1.15, series.Where(t => t <= smallest * (1 + 1e-9)).DefaultIfEmpty(smallest).Max());
            high = Math.Max(largest * 1.15, series.Where(t => t >= largest * (1 - 1e-9)).DefaultIfEmpty(largest).Min());
            ticks = [.. series.Where(t => t >= low * (1 - 1e-9) && t <= high * (1 + 1e-9))];
            if (ticks.Length >= 4)
            {
                break;
            }
        }
        // A little room beyond the outer ticks, so that a point on one is not drawn on the frame.
        axis["range"] = new[] { Math.Log10(low) - 0.02, Math.Log10(high) + 0.02 };
        axis["tickvals"] = ticks;
        axis["ticktext"] = ticks.Select(TickLabel).ToArray();
        axis.Remove("dtick");
    }

    /// <summary>A log axis's tick label: written out below 10,000 (0.5, 2, 3,000), with k or M above (30k, 1M, 300M).</summary>
    private static string TickLabel(double tick) => tick switch
    {
        >= 1e6 => (tick / 1e6).ToString("0.##", CultureInfo.InvariantCulture) + "M",
        >= 1e4 => (tick / 1e3).ToString("0.##", CultureInfo.InvariantCulture) + "k",
        _ => tick.ToString("#,0.####", CultureInfo.InvariantCulture),
    };

    /// <summary>A title with a smaller second line (e.g. the configuration: sizes and knobs).</summary>
    internal static string Subtitled(string title, string subtitle) =>
        subtitle.Length == 0 ? title : $"{title}<br><span style=\"font-size:13px;color:#555555\">{System.Net.WebUtility.HtmlEncode(subtitle)}</span>";

    /// <summary>NaN (no interval) becomes 0 so that plotly.js draws no bar rather than failing.</summary>
    private static double[] Clean(IReadOnlyList<double> values) => [.. values.Select(v => double.IsFinite(v) && v > 0 ? v : 0)];

    /// <summary>A number for a label: 3 significant digits.</summary>
    internal static string Number(double value) =>
        !double.IsFinite(value) ? "-" : Math.Abs(value) >= 100 ? value.ToString("0", CultureInfo.InvariantCulture) : value.ToString("0.##", CultureInfo.InvariantCulture);
}
