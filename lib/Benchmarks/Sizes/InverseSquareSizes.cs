namespace Workbench.Benchmarks.Sizes;

/// <summary>
/// <c>invsquare:A-B</c>: sizes with density proportional to 1/x^2 on [A, B], rounded down to a whole size (the shape
/// of glibc's bench-malloc-thread, whose <c>get_block_size</c> draws over 4-32768: mostly tiny, a long thin tail).
/// Drawn by inverting the distribution function: for r uniform in [0, 1), x = 1 / (1/A - r (1/A - 1/B)), so
/// P(size &gt;= k) = (1/k - 1/B) / (1/A - 1/B) for A &lt;= k &lt;= B. Default <c>invsquare</c> = <c>invsquare:4-32768</c>.
/// </summary>
public sealed class InverseSquareSizes : SizeDistribution
{
    private readonly long _a;
    private readonly long _b;

    /// <summary>The distribution over [a, b].</summary>
    /// <exception cref="SizeSpecException">A is zero.</exception>
    public InverseSquareSizes(long a, long b)
    {
        if (a < 1)
        {
            throw new SizeSpecException($"bad size spec 'invsquare:{a}-{b}': A must be at least 1 (1/x^2 has no mass at 0): write e.g. invsquare:4-32768");
        }
        _a = a;
        _b = b;
    }

    /// <summary>glibc bench-malloc-thread's range, the spec's default.</summary>
    public const string GlibcThread = "invsquare:4-32768";

    /// <inheritdoc />
    public override string Spec => $"invsquare:{_a}-{_b}";

    /// <inheritdoc />
    public override long Min => _a;

    /// <inheritdoc />
    public override long Max => _b;

    /// <summary>P(size &gt;= k) for a whole k: 1 at A and below, 0 above B.</summary>
    public double AtLeast(long k) => k <= _a ? 1 : k > _b ? 0 : (1.0 / k - 1.0 / _b) / (1.0 / _a - 1.0 / _b);

    /// <summary>
    /// The exact mean of the whole sizes: A + the sum over k in (A, B] of P(size &gt;= k)
    /// = A + ((H(B) - H(A)) - (B - A) / B) / (1/A - 1/B), with H the harmonic numbers.
    /// </summary>
    public override double Mean => _a == _b
        ? _a
        : _a + (Harmonic(_b) - Harmonic(_a) - (double)(_b - _a) / _b) / (1.0 / _a - 1.0 / _b);

    /// <summary>1 + 1/2 + ... + 1/n: summed below 1000, else its asymptotic series (error below 1e-19 there).</summary>
    private static double Harmonic(long n)
    {
        if (n < 1000)
        {
            double sum = 0;
            for (long k = n; k >= 1; k--)
            {
                sum += 1.0 / k;
            }
            return sum;
        }
        double x = n;
        return Math.Log(x) + 0.57721566490153286 + 1 / (2 * x) - 1 / (12 * x * x) + 1 / (120 * x * x * x * x);
    }

    /// <inheritdoc />
    public override long Sample(Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        if (_a == _b)
        {
            return _a;
        }
        double r = random.NextDouble();
        double x = 1.0 / (1.0 / _a - r * (1.0 / _a - 1.0 / _b));
        return Math.Clamp((long)Math.Floor(x), _a, _b);
    }
}
