using Workbench.Benchmarks.Analysis;

namespace Workbench.Figures.Shaping;

/// <summary>A quantity measured over repetitions, drawn as its median with a bar from the smallest to the largest.</summary>
/// <param name="Label">What was measured (a routine, a percentile): the category it is drawn at.</param>
/// <param name="Median">The median of the repetitions.</param>
/// <param name="Min">The smallest repetition.</param>
/// <param name="Max">The largest repetition.</param>
public sealed record MedianRange(string Label, double Median, double Min, double Max)
{
    /// <summary>The median, smallest and largest of <paramref name="values"/> (at least one).</summary>
    public static MedianRange Of(string label, IReadOnlyList<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        return new MedianRange(label, Describe.Quantile(values, 0.5), values.Min(), values.Max());
    }
}
