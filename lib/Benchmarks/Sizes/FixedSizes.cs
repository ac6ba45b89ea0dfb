namespace Workbench.Benchmarks.Sizes;

/// <summary><c>fixed:N</c>: every request is N bytes.</summary>
public sealed class FixedSizes(long size) : SizeDistribution
{
    /// <inheritdoc />
    public override string Spec => $"fixed:{size}";

    /// <inheritdoc />
    public override long Min => size;

    /// <inheritdoc />
    public override long Max => size;

    /// <inheritdoc />
    public override double Mean => size;

    /// <inheritdoc />
    public override long Sample(Random random) => size;
}
