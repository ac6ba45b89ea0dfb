namespace Workbench.Benchmarks.Analysis;

/// <summary>Descriptive statistics of one sample of repetitions.</summary>
/// <param name="Count">Values.</param>
/// <param name="Mean">Arithmetic mean.</param>
/// <param name="Median">Median (quantile definition R7, as R's default).</param>
/// <param name="StandardDeviation">Sample standard deviation (n - 1); NaN for one value.</param>
/// <param name="CiLow">Lower end of the confidence interval of the mean (Student t); NaN for one value. For positive
/// values whose t interval would reach zero or below, the interval of the mean log taken back (the geometric mean's), which stays positive.</param>
/// <param name="CiHigh">Upper end of the confidence interval of the mean; NaN for one value.</param>
/// <param name="Outliers">For each value, whether it lies outside Tukey's fences (Q1 - 1.5 IQR, Q3 + 1.5 IQR).</param>
public sealed record SampleSummary(
    int Count,
    double Mean,
    double Median,
    double StandardDeviation,
    double CiLow,
    double CiHigh,
    IReadOnlyList<bool> Outliers)
{
    /// <summary>Half the width of the confidence interval.</summary>
    public double HalfWidth => (CiHigh - CiLow) / 2;

    /// <summary>How many values are outliers.</summary>
    public int OutlierCount => Outliers.Count(o => o);
}
