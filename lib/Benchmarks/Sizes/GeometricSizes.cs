using MathNet.Numerics.Distributions;

namespace Workbench.Benchmarks.Sizes;

/// <summary>
/// <c>geometric:A-B:MEAN</c>: A + (K - 1) bytes with K geometric (success probability 1 / (MEAN - A + 1)),
/// so that the untruncated mean is MEAN; draws above B are drawn again. Many small requests, a long tail.
/// Defaults: <c>geometric</c> = <c>geometric:16-4096:128</c>.
/// </summary>
public sealed class GeometricSizes : SizeDistribution
{
    private readonly long _a;
    private readonly long _b;
    private readonly double _mean;
    private readonly double _p;

    /// <summary>The distribution over [a, b] with the given untruncated mean.</summary>
    /// <exception cref="SizeSpecException">The mean is not above A.</exception>
    public GeometricSizes(long a, long b, double mean)
    {
        if (mean <= a || mean > b)
        {
            throw new SizeSpecException($"bad size spec 'geometric:{a}-{b}:{Format(mean)}': the mean must lie above A and at most B: write e.g. geometric:16-4096:128");
        }
        _a = a;
        _b = b;
        _mean = mean;
        _p = 1.0 / (mean - a + 1);
    }

    /// <inheritdoc />
    public override string Spec => $"geometric:{_a}-{_b}:{Format(_mean)}";

    /// <inheritdoc />
    public override long Min => _a;

    /// <inheritdoc />
    public override long Max => _b;

    /// <inheritdoc />
    public override double Mean
    {
        get
        {
            // The truncated mean: sum over k = 1 .. B - A + 1 of (A + k - 1) p (1-p)^(k-1), renormalised.
            double mass = 0;
            double sum = 0;
            double q = 1;
            for (long k = 1; k <= _b - _a + 1; k++)
            {
                double pk = _p * q;
                mass += pk;
                sum += pk * (_a + k - 1);
                q *= 1 - _p;
            }
            return sum / mass;
        }
    }

    /// <inheritdoc />
    public override long Sample(Random random)
    {
        while (true)
        {
            long size = _a + Geometric.Sample(random, _p) - 1;
            if (size <= _b)
            {
                return size;
            }
        }
    }
}
