using Plotly.NET;
using CSharpChart = Plotly.NET.CSharp.Chart;

namespace Workbench.Figures.Plotting;

/// <summary>
/// One allocator's line of a line chart with interval bars: the trace in the allocator's colour, the sideways offset
/// that keeps it clear of the other allocators' points, and how far up the axis it needs.
/// </summary>
internal static class AllocatorLine
{
    /// <summary>Lines and markers through (x, y) with asymmetric error bars, all in the allocator's colour.</summary>
    internal static GenericChart Trace<TX>(string allocator, IEnumerable<TX> x, IEnumerable<double> y, IReadOnlyList<double> plus, IReadOnlyList<double> minus)
        where TX : IConvertible
    {
        string colour = AllocatorColors.Of(allocator);
        GenericChart trace = CSharpChart.Scatter<TX, double, string>(x: x, y: y, mode: StyleParam.Mode.Lines_Markers,
            Name: allocator, MarkerColor: Color.fromHex(colour), LineColor: Color.fromHex(colour), LineWidth: 2.5, UseDefaults: false);
        Style.YError(trace, plus, minus, colour);
        Style.Set(trace, "marker", new Dictionary<string, object> { ["color"] = colour, ["size"] = 9 });
        return trace;
    }

    /// <summary>
    /// A small horizontal offset for the allocator at <paramref name="index"/> of <paramref name="count"/> so that points and
    /// interval bars at the same thread count do not hide each other (at most 0.3 threads wide in all).
    /// </summary>
    internal static double Dodge(int index, int count) => count <= 1 ? 0 : (index - (count - 1) / 2.0) * Math.Min(0.06, 0.3 / (count - 1));

    /// <summary>
    /// How far up the axis goes for one point: its interval's top, but no more than twice the value (an interval
    /// wider than the value itself, e.g. from two repetitions, is cut at the frame rather than flattening every line).
    /// </summary>
    internal static double Top(double value, double high) => double.IsFinite(high) ? Math.Min(high, 2 * value) : value;

    /// <summary>
    /// The note naming the intervals whose top lies above <paramref name="axisTop"/> (cut at the frame, <see cref="Top"/>);
    /// null when none is. Each point is named by its allocator and x (<c>cfa at 4</c>).
    /// </summary>
    internal static Dictionary<string, object>? CutNote(IEnumerable<(string Allocator, double X, double Low, double High)> points, double axisTop) =>
        CutIntervals.Note([.. points.Where(p => double.IsFinite(p.High) && p.High > axisTop)
            .Select(p => ($"{p.Allocator} at {p.X.ToString("0.##", System.Globalization.CultureInfo.InvariantCulture)}", p.Low, p.High))]);
}
