using Plotly.NET;
using CSharpChart = Plotly.NET.CSharp.Chart;

namespace Workbench.Figures.Plotting;

/// <summary>
/// The clock's floor on a latency chart: a dotted grey line at what two clock reads cost, below which no latency is
/// measured (every timed call includes it), with a legend entry that gives its value.
/// </summary>
internal static class ClockFloor
{
    private const string Colour = "#777777";

    /// <summary>The legend name of the floor line.</summary>
    internal static string Name(double floorNs) => $"clock floor ({Style.Number(floorNs)} ns: two clock reads)";

    /// <summary>A horizontal floor across <paramref name="categories"/> (latency on the y axis).</summary>
    internal static GenericChart Horizontal(double floorNs, IReadOnlyList<string> categories) =>
        Line<string>(categories.Count > 0 ? [categories[0], categories[^1]] : [], [floorNs, floorNs], floorNs);

    /// <summary>A vertical floor from <paramref name="low"/> to <paramref name="high"/> (latency on the x axis).</summary>
    internal static GenericChart Vertical(double floorNs, double low, double high) => Line([floorNs, floorNs], [low, high], floorNs);

    private static GenericChart Line<TX>(TX[] x, double[] y, double floorNs)
        where TX : IConvertible
    {
        GenericChart line = CSharpChart.Scatter<TX, double, string>(x: x, y: y, mode: StyleParam.Mode.Lines, Name: Name(floorNs),
            LineColor: Color.fromHex(Colour), LineWidth: 2, LineDash: StyleParam.DrawingStyle.Dot, UseDefaults: false);
        Style.Set(line, "hoverinfo", "name");
        return line;
    }
}
