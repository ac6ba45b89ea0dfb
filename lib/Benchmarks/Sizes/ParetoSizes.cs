using MathNet.Numerics.Distributions;

namespace Workbench.Benchmarks.Sizes;

/// <summary>
/// <c>pareto:A-B:ALPHA</c>: the whole part of a Pareto variable with scale A and shape ALPHA, draws
/// above B drawn again (the shape of alloc-test's sizes). Default <c>pareto</c> = <c>pareto:8-1024:1</c>.
/// </summary>
public sealed class ParetoSizes : SizeDistribution
{
    private readonly long _a;
    private readonly long _b;
    private readonly double _alpha;

    /// <summary>The distribution over [a, b] with shape alpha.</summary>
    /// <exception cref="SizeSpecException">A is zero.</exception>
    public ParetoSizes(long a, long b, double alpha)
    {
        if (a < 1)
        {
            throw new SizeSpecException($"bad size spec 'pareto:{a}-{b}:{Format(alpha)}': A must be at least 1: write e.g. pareto:8-1024:1");
        }
        // Draws at B + 1 and above are drawn again; the share that falls in A-B is 1 - (A / (B + 1))^ALPHA, computed
        // without cancellation. Below MinAcceptance a table of sizes would take ages (pareto:8-1024:1e-300 never ended).
        double accepted = -ExpM1(alpha * Math.Log(a / (b + 1.0)));
        if (!(accepted >= MinAcceptance))
        {
            double smallest = -Math.Log(1 - MinAcceptance) / Math.Log((b + 1.0) / a);
            throw new SizeSpecException(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"bad size spec 'pareto:{a}-{b}:{Format(alpha)}': with ALPHA {Format(alpha)} only a {accepted:G3} share of draws falls in {a}-{b}, so each size would be drawn about {1 / accepted:G3} times; for this range ALPHA must be at least {smallest:G3}: write e.g. pareto:{a}-{b}:1"));
        }
        _a = a;
        _b = b;
        _alpha = alpha;
    }

    /// <summary>
    /// The smallest share of draws that may fall in A-B (so at most 1,000 draws per size on average): the range of
    /// ALPHA for a given A-B is ALPHA &gt;= -ln(1 - 0.001) / ln((B + 1) / A).
    /// </summary>
    public const double MinAcceptance = 0.001;

    /// <inheritdoc />
    public override string Spec => $"pareto:{_a}-{_b}:{Format(_alpha)}";

    /// <inheritdoc />
    public override long Min => _a;

    /// <inheritdoc />
    public override long Max => _b;

    /// <summary>P(size &lt;= x) for a whole x in [A, B].</summary>
    public double Cdf(long x) => x >= _b ? 1 : Raw(x + 1) / Raw(_b + 1);

    /// <inheritdoc />
    public override double Mean
    {
        get
        {
            double sum = 0;
            double previous = 0;
            for (long x = _a; x <= _b; x++)
            {
                double c = Cdf(x);
                sum += x * (c - previous);
                previous = c;
            }
            return sum;
        }
    }

    /// <inheritdoc />
    public override long Sample(Random random)
    {
        while (true)
        {
            double x = Pareto.Sample(random, _a, _alpha);
            if (x < _b + 1)
            {
                return (long)Math.Floor(x);
            }
        }
    }

    /// <summary>e^x - 1, exact also for tiny x (double.ExpM1 computes Exp(x) - 1, which is 0 for |x| below 1e-16).</summary>
    private static double ExpM1(double x) => Math.Abs(x) < 1e-5 ? x + x * x / 2 : Math.Exp(x) - 1;

    private double Raw(double y) => 1 - Math.Pow(_a / y, _alpha);
}
