using MathNet.Numerics.Distributions;
using MathNet.Numerics.Statistics;
using Workbench.Benchmarks.Model;
using Workbench.Benchmarks.Results;

namespace Workbench.Benchmarks.Analysis;

/// <summary>Descriptive statistics with MathNet.Numerics: mean, median, SD, Student-t interval, Tukey outliers.</summary>
public static class Describe
{
    /// <summary>The two-sided Student t quantile for a confidence level (e.g. 0.95) and degrees of freedom.</summary>
    public static double TQuantile(double confidence, double degreesOfFreedom) =>
        StudentT.InvCDF(0, 1, degreesOfFreedom, 1 - (1 - confidence) / 2);

    /// <summary>A quantile with definition R7 (linear interpolation; R's and NumPy's default).</summary>
    public static double Quantile(IEnumerable<double> values, double tau) =>
        values.QuantileCustom(tau, QuantileDefinition.R7);

    /// <summary>
    /// The median of a column over the ok rows given (every repetition of one configuration, say), NaN when none has a
    /// finite value: the one way the notebooks and reports take "the median over the repetitions".
    /// </summary>
    public static double Median(IEnumerable<ResultRow> rows, string column)
    {
        ArgumentNullException.ThrowIfNull(rows);
        List<double> values = [.. rows.Where(r => r.Status == TrialStatus.Ok).Select(r => r.Number(column)).Where(double.IsFinite)];
        return values.Count == 0 ? double.NaN : Quantile(values, 0.5);
    }

    /// <summary>Summarises a sample.</summary>
    /// <exception cref="ArgumentException">The sample is empty.</exception>
    public static SampleSummary Sample(IReadOnlyList<double> values, double confidence = 0.95)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Count == 0)
        {
            throw new ArgumentException("an empty sample has no statistics", nameof(values));
        }
        int n = values.Count;
        double mean = values.Mean();
        double median = Quantile(values, 0.5);
        double sd = n > 1 ? values.StandardDeviation() : double.NaN;
        double low = double.NaN;
        double high = double.NaN;
        if (n > 1)
        {
            double half = TQuantile(confidence, n - 1) * sd / Math.Sqrt(n);
            low = mean - half;
            high = mean + half;
            if (low <= 0 && values.All(v => v > 0))
            {
                // A time or a size cannot be negative: where the t interval of the mean reaches below zero (two or three
                // scattered repetitions), the t interval of the mean log, taken back: positive by construction.
                double[] logs = [.. values.Select(v => Math.Log(v))];
                double logHalf = TQuantile(confidence, n - 1) * logs.StandardDeviation() / Math.Sqrt(n);
                low = Math.Exp(logs.Mean() - logHalf);
                high = Math.Exp(logs.Mean() + logHalf);
            }
        }
        double q1 = Quantile(values, 0.25);
        double q3 = Quantile(values, 0.75);
        double iqr = q3 - q1;
        bool[] outliers = [.. values.Select(v => n >= 4 && (v < q1 - 1.5 * iqr || v > q3 + 1.5 * iqr))];
        return new SampleSummary(n, mean, median, sd, low, high, outliers);
    }
}
