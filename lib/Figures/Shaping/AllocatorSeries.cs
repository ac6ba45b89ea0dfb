namespace Workbench.Figures.Shaping;

/// <summary>What one allocator contributes to a chart: its points, in the order they are drawn.</summary>
/// <typeparam name="TPoint">The kind of point the chart draws.</typeparam>
/// <param name="Allocator">The allocator (the trace's name and colour).</param>
/// <param name="Points">Its points; never empty.</param>
public sealed record AllocatorSeries<TPoint>(string Allocator, IReadOnlyList<TPoint> Points);
