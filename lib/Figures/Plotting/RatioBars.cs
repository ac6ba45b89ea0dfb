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
    /// ratio either way so that one wide interval does not flatten every bar; <see cref="CutNote"/> names what it cuts.
    /// </summary>
    internal static Dictionary<string, object> Axis(string title, IEnumerable<RatioBar> bars)
    {
        List<double> extremes = [1];
        foreach (Comparison c in bars.Select(b => b.Ratio))
        {
            extremes.Add(double.IsFinite(c.RatioHigh) ? Math.Min(c.RatioHigh, Cut * c.Ratio) : c.Ratio);
            extremes.Add(double.IsFinite(c.RatioLow) && c.RatioLow > 0 ? Math.Max(c.RatioLow, c.Ratio / Cut) : c.Ratio);
        }
        Dictionary<string, object> axis = Style.Axis(title, "log");
        Style.Ticks125(axis, extremes);
        return axis;
    }

    /// <summary>How far from its ratio, either way, an interval is drawn before the axis cuts it.</summary>
    internal const double Cut = 4;

    /// <summary>
    /// The note that names every interval reaching beyond the log axis <paramref name="axis"/> (made by <see cref="Axis"/>:
    /// its bar ends at the frame), with its real ends; null when none does. <paramref name="bars"/> pairs each bar with
    /// the allocator it belongs to.
    /// </summary>
    internal static Dictionary<string, object>? CutNote(IEnumerable<(string Allocator, RatioBar Bar)> bars, Dictionary<string, object> axis)
    {
        if (axis.GetValueOrDefault("range") is not double[] range)
        {
            return null;
        }
        double bottom = Math.Pow(10, range[0]);
        double top = Math.Pow(10, range[1]);
        List<(string Label, double Low, double High)> cut = [.. bars
            .Where(b => (double.IsFinite(b.Bar.Ratio.RatioHigh) && b.Bar.Ratio.RatioHigh > top)
                || (double.IsFinite(b.Bar.Ratio.RatioLow) && b.Bar.Ratio.RatioLow < bottom))
            .Select(b => ($"{b.Allocator} {b.Bar.Label}", b.Bar.Ratio.RatioLow, b.Bar.Ratio.RatioHigh))];
        return CutIntervals.Note(cut);
    }

    /// <summary>
    /// The legend entry of the dashed line at 1, named <paramref name="name"/> (<c>glibc = 1 (baseline)</c>): a dashed line
    /// over the categories, drawn on the line of <see cref="LineAtOne"/>.
    /// </summary>
    internal static GenericChart LegendAtOne(string name, string colour, IReadOnlyList<string> categories)
    {
        GenericChart line = CSharpChart.Scatter<string, double, string>(x: categories.Count > 0 ? [categories[0], categories[^1]] : [], y: [1.0, 1.0],
            mode: StyleParam.Mode.Lines, Name: name, LineColor: Color.fromHex(colour), LineWidth: 2, LineDash: StyleParam.DrawingStyle.Dash, UseDefaults: false);
        Style.Set(line, "hoverinfo", "skip");
        return line;
    }

    /// <summary>Whether any bar has an interval (with one repetition none has, and the figure claims none).</summary>
    internal static bool AnyInterval(IEnumerable<RatioBar> bars) => bars.Any(b => double.IsFinite(b.Ratio.RatioLow) && double.IsFinite(b.Ratio.RatioHigh));

    /// <summary>A dashed horizontal line across the plot at ratio 1.</summary>
    internal static Dictionary<string, object> LineAtOne(string colour) => new()
    {
        ["type"] = "line", ["xref"] = "paper", ["x0"] = 0, ["x1"] = 1, ["yref"] = "y", ["y0"] = 1, ["y1"] = 1,
        ["line"] = new Dictionary<string, object> { ["color"] = colour, ["width"] = 2, ["dash"] = "dash" },
    };
}
