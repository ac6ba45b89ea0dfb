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

    /// <summary>The chart as plotly.js figure JSON (<c>{"data": [...], "layout": {...}}</c>).</summary>
    public string ToJson() => GenericChart.toFigureJson(Chart);
}
