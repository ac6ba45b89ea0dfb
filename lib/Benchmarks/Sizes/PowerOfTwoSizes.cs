using System.Numerics;
using MathNet.Numerics.Distributions;

namespace Workbench.Benchmarks.Sizes;

/// <summary><c>pow2:A-B</c>: a power of two from A to B (both powers of two), each exponent equally likely.</summary>
public sealed class PowerOfTwoSizes : SizeDistribution
{
    private readonly int _low;
    private readonly int _high;

    /// <summary>The distribution over the powers of two in [a, b].</summary>
    /// <exception cref="SizeSpecException">A bound is not a power of two.</exception>
    public PowerOfTwoSizes(long a, long b)
    {
        if (a <= 0 || b <= 0 || !BitOperations.IsPow2(a) || !BitOperations.IsPow2(b))
        {
            throw new SizeSpecException($"bad size spec 'pow2:{a}-{b}': both bounds must be powers of two: write e.g. pow2:16-4096");
        }
        _low = BitOperations.Log2((ulong)a);
        _high = BitOperations.Log2((ulong)b);
    }

    /// <inheritdoc />
    public override string Spec => $"pow2:{Min}-{Max}";

    /// <inheritdoc />
    public override long Min => 1L << _low;

    /// <inheritdoc />
    public override long Max => 1L << _high;

    /// <inheritdoc />
    public override double Mean
    {
        get
        {
            double sum = 0;
            for (int e = _low; e <= _high; e++)
            {
                sum += 1L << e;
            }
            return sum / (_high - _low + 1);
        }
    }

    /// <inheritdoc />
    public override long Sample(Random random) => 1L << DiscreteUniform.Sample(random, _low, _high);
}
