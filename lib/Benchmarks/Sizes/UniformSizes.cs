using MathNet.Numerics.Distributions;

namespace Workbench.Benchmarks.Sizes;

/// <summary><c>uniform:A-B</c>: every whole size from A to B (both included) equally likely.</summary>
public sealed class UniformSizes : SizeDistribution
{
    private readonly long _a;
    private readonly long _b;

    /// <summary>The distribution over [a, b].</summary>
    public UniformSizes(long a, long b)
    {
        _a = a;
        _b = b;
    }

    /// <inheritdoc />
    public override string Spec => $"uniform:{_a}-{_b}";

    /// <inheritdoc />
    public override long Min => _a;

    /// <inheritdoc />
    public override long Max => _b;

    /// <inheritdoc />
    public override double Mean => (_a + _b) / 2.0;

    /// <inheritdoc />
    public override long Sample(Random random) => DiscreteUniform.Sample(random, (int)_a, (int)_b);
}
