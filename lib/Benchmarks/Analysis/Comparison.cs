using MathNet.Numerics.Distributions;
using MathNet.Numerics.Statistics;

namespace Workbench.Benchmarks.Analysis;

/// <summary>Two allocators' samples compared: ratio of means with its interval, and Welch's t test.</summary>
/// <param name="Ratio">mean(a) / mean(b).</param>
/// <param name="RatioLow">Lower end of the ratio's confidence interval (delta method on the log of the ratio, so the interval stays positive; Welch-Satterthwaite degrees of freedom); NaN when a sample has one value.</param>
/// <param name="RatioHigh">Upper end of the ratio's interval.</param>
/// <param name="T">Welch's t statistic.</param>
/// <param name="DegreesOfFreedom">Welch-Satterthwaite degrees of freedom.</param>
/// <param name="PValue">Two-sided p value of Welch's test (NaN when a sample has one value or no spread).</param>
public sealed record Comparison(double Ratio, double RatioLow, double RatioHigh, double T, double DegreesOfFreedom, double PValue)
{
    /// <summary>Whether the difference is significant at level <paramref name="alpha"/>.</summary>
    public bool Significant(double alpha = 0.05) => PValue < alpha;

    /// <summary>Compares sample <paramref name="a"/> with sample <paramref name="b"/> (the baseline).</summary>
    public static Comparison Of(IReadOnlyList<double> a, IReadOnlyList<double> b, double confidence = 0.95)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (a.Count == 0 || b.Count == 0)
        {
            throw new ArgumentException("both samples need values");
        }
        double ma = a.Mean();
        double mb = b.Mean();
        double ratio = ma / mb;
        if (a.Count < 2 || b.Count < 2)
        {
            return new Comparison(ratio, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN);
        }
        double va = a.Variance() / a.Count;
        double vb = b.Variance() / b.Count;
        double se = Math.Sqrt(va + vb);
        double df = (va + vb) * (va + vb) / (va * va / (a.Count - 1) + vb * vb / (b.Count - 1));
        double t = se > 0 ? (ma - mb) / se : double.NaN;
        double p = se > 0 ? 2 * (1 - StudentT.CDF(0, 1, df, Math.Abs(t))) : double.NaN;
        // Delta method on log(a/b): Var ~ Var(ma)/ma^2 + Var(mb)/mb^2; the interval is exp of log ratio +- t se.
        double ra = va / (ma * ma);
        double rb = vb / (mb * mb);
        double seLog = Math.Sqrt(ra + rb);
        double low = double.NaN;
        double high = double.NaN;
        if (seLog > 0 && ratio > 0)
        {
            double dfRatio = (ra + rb) * (ra + rb) / (ra * ra / (a.Count - 1) + rb * rb / (b.Count - 1));
            double half = Describe.TQuantile(confidence, dfRatio) * seLog;
            low = ratio * Math.Exp(-half);
            high = ratio * Math.Exp(half);
        }
        else if (seLog == 0)
        {
            low = high = ratio;
        }
        return new Comparison(ratio, low, high, t, df, p);
    }
}
