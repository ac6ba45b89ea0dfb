namespace Workbench.Benchmarks.Sizes;

/// <summary>
/// <c>lineardrop:A-B</c>: rptest's "linear dropoff" size mode (mode 1, which mimalloc-bench runs as
/// <c>rptest N 0 1 2 500 1000 100 8 16000</c>): A + floor(E x |W0 + W1 - 1|), with E uniform over [0, B - A] and
/// W0, W1 uniform over [0, 1]. |W0 + W1 - 1| falls off linearly (density 2(1 - t)), so small sizes are the most
/// frequent and the frequency falls towards B: the share of sizes below A + x(B - A) is x^2 - 2x ln x (a third of them
/// are below A + 5% of the range, the mean is A + (B - A) / 6). rptest draws E, W0 and W1 from one fixed table of
/// 2000 uniform numbers; here they are independent draws.
/// </summary>
public sealed class LinearDropSizes : SizeDistribution
{
    private readonly long _a;
    private readonly long _b;

    /// <summary>The distribution over [a, b].</summary>
    public LinearDropSizes(long a, long b)
    {
        _a = a;
        _b = b;
    }

    /// <inheritdoc />
    public override string Spec => $"lineardrop:{_a}-{_b}";

    /// <inheritdoc />
    public override long Min => _a;

    /// <inheritdoc />
    public override long Max => _b;

    /// <summary>P(size &lt; A + x(B - A)) for x in [0, 1]: x^2 - 2x ln x.</summary>
    public static double ShareBelow(double x) => x <= 0 ? 0 : x >= 1 ? 1 : x * x - 2 * x * Math.Log(x);

    /// <inheritdoc />
    public override double Mean
    {
        get
        {
            // E[floor(X)] = sum over k >= 1 of P(X >= k), X = E |W0 + W1 - 1| over [0, R].
            long range = _b - _a;
            if (range > 10_000_000)
            {
                return _a + range / 6.0 - 0.5;
            }
            double sum = 0;
            for (long k = 1; k <= range; k++)
            {
                sum += 1 - ShareBelow((double)k / range);
            }
            return _a + sum;
        }
    }

    /// <inheritdoc />
    public override long Sample(Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        double even = random.NextDouble() * (_b - _a);
        double drop = Math.Abs(random.NextDouble() + random.NextDouble() - 1.0);
        return _a + (long)(even * drop);
    }
}
