using MathNet.Numerics.Distributions;
using MathNet.Numerics.Statistics;

namespace Workbench.Benchmarks.Analysis;

/// <summary>
/// Two allocators' samples compared: unpaired (<see cref="Of"/>: ratio of means, Welch's t test) or paired by
/// repetition (<see cref="OfPairs"/>: geometric mean of the per-repetition ratios, t test on their logs).
/// </summary>
/// <param name="Ratio">mean(a) / mean(b); paired, the geometric mean of a_i / b_i.</param>
/// <param name="RatioLow">Lower end of the ratio's confidence interval, which stays positive (unpaired: delta method on the log of the ratio with Welch-Satterthwaite degrees of freedom; paired: t interval of the mean log ratio); NaN with a single value or pair.</param>
/// <param name="RatioHigh">Upper end of the ratio's interval.</param>
/// <param name="T">The t statistic (Welch's, or the paired test's on log ratios).</param>
/// <param name="DegreesOfFreedom">Welch-Satterthwaite degrees of freedom, or pairs - 1.</param>
/// <param name="PValue">Two-sided p value (NaN with a single value or pair, or no spread).</param>
/// <param name="Paired">Whether the samples were compared pair by pair.</param>
public sealed record Comparison(double Ratio, double RatioLow, double RatioHigh, double T, double DegreesOfFreedom, double PValue, bool Paired = false)
{
    /// <summary>The name of the test behind <see cref="PValue"/>.</summary>
    public string Test => Paired ? "paired t" : "Welch";

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

    /// <summary>
    /// Compares paired samples: each pair holds a and b (the baseline) measured side by side, as an interleaved sweep
    /// runs one repetition of every allocator back to back. The ratio is the geometric mean of a_i / b_i, its
    /// interval and p value those of a t test on the logs of the ratios (pairs - 1 degrees of freedom). A drift of
    /// the machine that slows both members of a pair alike (this VM has phases of seconds that slow every call by
    /// half) cancels in each ratio, where the unpaired comparison counts it as spread or, unevenly spread over the
    /// repetitions, as a difference.
    /// </summary>
    public static Comparison OfPairs(IReadOnlyList<(double A, double B)> pairs, double confidence = 0.95)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        if (pairs.Count == 0)
        {
            throw new ArgumentException("need at least one pair", nameof(pairs));
        }
        double[] logs = new double[pairs.Count];
        for (int i = 0; i < pairs.Count; i++)
        {
            (double a, double b) = pairs[i];
            if (!(a > 0 && b > 0 && double.IsFinite(a) && double.IsFinite(b)))
            {
                throw new ArgumentException($"pair {i} is ({a}, {b}); a ratio needs two positive, finite values", nameof(pairs));
            }
            logs[i] = Math.Log(a / b);
        }
        double mean = logs.Mean();
        double ratio = Math.Exp(mean);
        int n = logs.Length;
        if (n < 2)
        {
            return new Comparison(ratio, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, Paired: true);
        }
        double se = logs.StandardDeviation() / Math.Sqrt(n);
        double df = n - 1;
        if (se == 0)
        {
            return new Comparison(ratio, ratio, ratio, double.NaN, df, double.NaN, Paired: true);
        }
        double t = mean / se;
        double p = 2 * (1 - StudentT.CDF(0, 1, df, Math.Abs(t)));
        double half = Describe.TQuantile(confidence, df) * se;
        return new Comparison(ratio, ratio * Math.Exp(-half), ratio * Math.Exp(half), t, df, p, Paired: true);
    }
}
