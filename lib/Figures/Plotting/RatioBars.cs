using Plotly.NET;
using Workbench.Benchmarks.Analysis;
using Workbench.Figures.Shaping;
using CSharpChart = Plotly.NET.CSharp.Chart;

namespace Workbench.Figures.Plotting;

/// <summary>
/// Bars of ratios on a log axis: each bar starts at 1 (the reference) and reaches its ratio, up for more, down for less,
/// with the ratio's 95% interval; a dashed line marks 1.
/// </summary>
internal static class RatioBars
{
    /// <summary>One allocator's bars, in its colour, hovering as "x the <paramref name="reference"/>".</summary>
    internal static GenericChart Trace(string allocator, IReadOnlyList<RatioBar> bars, string reference)
    {
        double[] ratio = [.. bars.Select(b => b.Ratio.Ratio)];
        GenericChart trace = CSharpChart.Column<double, string, string>(values: ratio.Select(r => r - 1), Keys: bars.Select(b => b.Label).ToList(),
            Name: allocator, MarkerColor: Color.fromHex(AllocatorColors.Of(allocator)), UseDefaults: false);
        Style.Set(trace, "base", 1);
        Style.Set(trace, "customdata", ratio);
        Style.Set(trace, "hovertemplate", "%{x}: %{customdata:.3f} x " + reference + "<extra>" + allocator + "</extra>");
        // No interval gives NaN lengths, for which Style.YError draws no bar.
        Style.YError(trace, [.. bars.Select(b => b.Ratio.RatioHigh - b.Ratio.Ratio)], [.. bars.Select(b => b.Ratio.Ratio - b.Ratio.RatioLow)], "#333333");
        return trace;
    }

    /// <summary>
    /// The log axis of the ratios, titled <paramref name="title"/>: it shows 1 and every bar's interval, cut at 4x the
    /// ratio either way so that one wide interval does not flatten every bar.
    /// </summary>
    internal static Dictionary<string, object> Axis(string title, IEnumerable<RatioBar> bars)
    {
        List<double> extremes = [1];
        foreach (Comparison c in bars.Select(b => b.Ratio))
        {
            extremes.Add(double.IsFinite(c.RatioHigh) ? Math.Min(c.RatioHigh, 4 * c.Ratio) : c.Ratio);
            extremes.Add(double.IsFinite(c.RatioLow) && c.RatioLow > 0 ? Math.Max(c.RatioLow, c.Ratio / 4) : c.Ratio);
        }
        Dictionary<string, object> axis = Style.Axis(title, "log");
        Style.Ticks125(axis, extremes);
        return axis;
    }

    /// <summary>A dashed horizontal line across the plot at ratio 1.</summary>
    internal static Dictionary<string, object> LineAtOne(string colour) => new()
    {
        ["type"] = "line", ["xref"] = "paper", ["x0"] = 0, ["x1"] = 1, ["yref"] = "y", ["y0"] = 1, ["y1"] = 1,
        ["line"] = new Dictionary<string, object> { ["color"] = colour, ["width"] = 2, ["dash"] = "dash" },
    };
}
