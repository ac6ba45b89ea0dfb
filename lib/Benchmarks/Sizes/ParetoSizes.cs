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
        _a = a;
        _b = b;
        _alpha = alpha;
    }

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

    private double Raw(double y) => 1 - Math.Pow(_a / y, _alpha);
}
