using MathNet.Numerics.Distributions;

namespace Workbench.Benchmarks.Sizes;

/// <summary>
/// <c>loguniform:A-B</c>: sizes whose logarithm is uniform, so that every doubling from A to B is equally likely
/// (as many requests from 1 to 2 KiB as from 1 to 2 MiB): a size mix that spans the small, medium and mapped classes of
/// an allocator at once. The size is the whole part of e^U, U uniform on [ln A, ln (B + 1)).
/// </summary>
public sealed class LogUniformSizes : SizeDistribution
{
    private readonly long _a;
    private readonly long _b;
    private readonly double _low;
    private readonly double _high;

    /// <summary>The distribution over [a, b].</summary>
    public LogUniformSizes(long a, long b)
    {
        _a = a;
        _b = b;
        _low = Math.Log(a);
        _high = Math.Log(b + 1.0);
    }

    /// <inheritdoc />
    public override string Spec => $"loguniform:{_a}-{_b}";

    /// <inheritdoc />
    public override long Min => _a;

    /// <inheritdoc />
    public override long Max => _b;

    /// <inheritdoc />
    public override double Mean => (_b + 1.0 - _a) / (_high - _low) - 0.5;

    /// <inheritdoc />
    public override long Sample(Random random) => Math.Clamp((long)Math.Exp(ContinuousUniform.Sample(random, _low, _high)), _a, _b);
}
