namespace Workbench.Figures.Plotting;

/// <summary>
/// Small multiples: one panel per subject (an allocator, a size) in a grid of plotly.js axes, <c>x</c>/<c>y</c> for the
/// first panel, <c>x2</c>/<c>y2</c> for the second and so on, each titled above its frame (in its subject's colour:
/// an allocator's panel is titled in the allocator's colour, as its legend entry would be); the y axes share one range
/// (so panels compare by eye), the x axis of each column's last panel is titled (a column may end above the last row) and the y axes only in the first column.
/// </summary>
internal sealed class Panels
{
    private readonly IReadOnlyList<string> _titles;
    private readonly IReadOnlyList<string> _colours;

    private readonly int _rowGap;

    /// <summary>Panels titled <paramref name="titles"/> in <paramref name="colours"/>, <paramref name="rowGap"/> CSS pixels between rows (room for x labels).</summary>
    internal Panels(IReadOnlyList<string> titles, IReadOnlyList<string> colours, int maxColumns = 3, int rowGap = 110)
    {
        _rowGap = rowGap;
        _titles = titles;
        _colours = colours;
        Columns = Math.Max(1, Math.Min(maxColumns, titles.Count));
        Rows = (titles.Count + Columns - 1) / Columns;
    }

    internal int Columns { get; }

    internal int Rows { get; }

    /// <summary>The figure's height in CSS pixels: room for every row of panels.</summary>
    internal int Height => Math.Max(Style.Height, 120 + (200 + _rowGap) * Rows);

    /// <summary>The x axis id of panel <paramref name="index"/> as a trace names it (<c>x</c>, <c>x2</c>, ...).</summary>
    internal static string X(int index) => index == 0 ? "x" : $"x{index + 1}";

    /// <summary>The y axis id of panel <paramref name="index"/> as a trace names it.</summary>
    internal static string Y(int index) => index == 0 ? "y" : $"y{index + 1}";

    /// <summary>The name of the annotations that title the panels.</summary>
    internal const string PanelTitle = "panel-title";

    /// <summary>
    /// Adds the grid, every panel's axes (made by <paramref name="xAxis"/> and <paramref name="yAxis"/>, titled on the
    /// outer panels only), the shared y range and the panel titles to a layout. The panel titles are annotations named
    /// <c>panel-title</c>, so that a note placed above the plot (<see cref="RepetitionNote"/>) can keep clear of them.
    /// </summary>
    internal void Apply(Plotly.NET.Layout layout, Func<Dictionary<string, object>> xAxis, Func<Dictionary<string, object>> yAxis, double[]? yRange)
    {
        const double gapX = 0.06;
        // Room between rows for a panel's x axis title and tick labels and the next panel's title.
        double gapY = Rows == 1 ? 0 : Math.Min(0.3, (double)_rowGap / Height);
        double width = (1 - gapX * (Columns - 1)) / Columns;
        double height = (1 - gapY * (Rows - 1)) / Rows;
        List<Dictionary<string, object>> annotations = [];
        for (int i = 0; i < _titles.Count; i++)
        {
            int row = i / Columns;
            int column = i % Columns;
            double left = column * (width + gapX);
            double top = 1 - row * (height + gapY);
            Dictionary<string, object> x = xAxis();
            Dictionary<string, object> y = yAxis();
            x["domain"] = new[] { left, left + width };
            y["domain"] = new[] { top - height, top };
            x["anchor"] = Y(i);
            y["anchor"] = X(i);
            if (column != 0)
            {
                y.Remove("title");
            }
            // The x axis is titled under the last panel of each column only: titled under every panel, the titles of
            // side-by-side panels ran into each other, and rows below took the space between rows.
            if (i + Columns < _titles.Count)
            {
                x.Remove("title");
            }
            if (yRange is not null)
            {
                y["range"] = yRange;
            }
            layout.SetProperty(i == 0 ? "xaxis" : $"xaxis{i + 1}", x);
            layout.SetProperty(i == 0 ? "yaxis" : $"yaxis{i + 1}", y);
            annotations.Add(new Dictionary<string, object>
            {
                ["name"] = PanelTitle,
                ["text"] = $"<b>{System.Net.WebUtility.HtmlEncode(_titles[i])}</b>",
                ["xref"] = "paper",
                ["yref"] = "paper",
                ["x"] = left + width / 2,
                ["y"] = top,
                ["xanchor"] = "center",
                ["yanchor"] = "bottom",
                ["showarrow"] = false,
                ["font"] = new Dictionary<string, object> { ["size"] = 14, ["color"] = _colours[i] },
            });
        }
        layout.SetProperty("annotations", annotations);
    }
}
