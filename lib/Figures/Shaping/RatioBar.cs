using Workbench.Benchmarks.Analysis;

namespace Workbench.Figures.Shaping;

/// <summary>One bar of a relative chart: an allocator against a reference in one category.</summary>
/// <param name="Label">The category (benchmark and configuration).</param>
/// <param name="Ratio">The comparison: ratio, its 95% interval and whether it was paired by repetition.</param>
public sealed record RatioBar(string Label, Comparison Ratio);
