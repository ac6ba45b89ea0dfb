using Plotly.NET;

namespace Workbench.Figures;

/// <summary>One figure: a Plotly.NET chart with the name its files get and what it is expected to show.</summary>
/// <param name="Name">File name without extension (e.g. <c>churn-threads</c>).</param>
/// <param name="Title">The figure's title.</param>
/// <param name="Chart">The chart.</param>
/// <param name="Allocators">The allocators drawn, in legend order (each has at least one trace named after it).</param>
/// <param name="Width">Width in CSS pixels for static export.</param>
/// <param name="Height">Height in CSS pixels for static export.</param>
public sealed record Figure(string Name, string Title, GenericChart Chart, IReadOnlyList<string> Allocators, int Width = Style.Width, int Height = Style.Height)
{
    /// <summary>The fewest and most repetitions behind a point of the figure, as its note says (<see cref="RepetitionNote"/>); (0, 0) when not counted.</summary>
    public (int Fewest, int Most) Repetitions { get; init; }

    /// <summary>The names of the chart's traces, in order (what a legend lists).</summary>
    public IReadOnlyList<string> TraceNames =>
        [.. GenericChart.getTraces(Chart).Select(t => t.TryGetPropertyValue("name") is { } name && name.Value is string s ? s : "")];

    /// <summary>The printed size the figure is fitted to (<see cref="Sized"/>); null for the screen size it was drawn at.</summary>
    public FigureSize? Size { get; init; }

    /// <summary>
    /// The figure fitted to <paramref name="size"/> (<see cref="FigureSize.Column"/>, <see cref="FigureSize.Text"/>,
    /// <see cref="FigureSize.Slide"/> or one of your own): its width and height in inches, its fonts in points, its title
    /// kept or left out, in every format it is shown or written in. The chart is shared, not changed.
    /// </summary>
    public Figure Sized(FigureSize size)
    {
        ArgumentNullException.ThrowIfNull(size);
        Figure sized = this with { Size = size, Width = size.WidthPx, Height = size.HeightPx };
        // The height a legend below a narrow plot adds (FigureSizing), so that exports get the whole figure.
        using System.Text.Json.JsonDocument json = System.Text.Json.JsonDocument.Parse(sized.ToJson());
        return sized with { Height = json.RootElement.GetProperty("layout").GetProperty("height").GetInt32() };
    }

    /// <summary>The chart as plotly.js figure JSON (<c>{"data": [...], "layout": {...}}</c>), fitted to <see cref="Size"/> when it has one.</summary>
    public string ToJson() => Size is null ? GenericChart.toFigureJson(Chart) : FigureSizing.Apply(GenericChart.toFigureJson(Chart), Size);
}
