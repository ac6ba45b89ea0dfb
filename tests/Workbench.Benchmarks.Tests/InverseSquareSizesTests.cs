using Workbench.Benchmarks.Sizes;

namespace Workbench.Benchmarks.Tests;

/// <summary><c>invsquare:A-B</c> has glibc bench-malloc-thread's shape: density 1/x^2 over A-B, mostly tiny.</summary>
public sealed class InverseSquareSizesTests
{
    private const int N = 400_000;

    [Fact]
    public void ItFollowsItsDistributionFunctionAndMean()
    {
        InverseSquareSizes d = Assert.IsType<InverseSquareSizes>(SizeDistribution.Parse("invsquare:4-32768"));
        Random random = new(11);
        long[] s = [.. Enumerable.Range(0, N).Select(_ => d.Sample(random))];
        Assert.True(s.Min() >= 4 && s.Max() <= 32768);
        // P(size >= k) = (1/k - 1/32768) / (1/4 - 1/32768): half the sizes are below 8, 9 in 10 below 40.
        foreach (long k in new long[] { 5, 8, 16, 40, 100, 1000, 10_000 })
        {
            double expected = (1.0 / k - 1.0 / 32768) / (1.0 / 4 - 1.0 / 32768);
            Assert.Equal(expected, d.AtLeast(k), 12);
            double observed = s.Count(v => v >= k) / (double)N;
            double sigma = Math.Sqrt(expected * (1 - expected) / N);
            Assert.InRange(observed, expected - 5 * sigma - 1e-9, expected + 5 * sigma + 1e-9);
        }
        // The exact mean against the sum of k P(size = k) computed term by term.
        double direct = 0;
        for (long k = 4; k <= 32768; k++)
        {
            direct += k * (d.AtLeast(k) - d.AtLeast(k + 1));
        }
        Assert.Equal(direct, d.Mean, 6);
        Assert.InRange(d.Mean, 35, 45);
        double mean = s.Average();
        double sd = Math.Sqrt(s.Select(v => (v - mean) * (v - mean)).Sum() / (N - 1));
        Assert.InRange(mean, d.Mean - 5 * sd / Math.Sqrt(N), d.Mean + 5 * sd / Math.Sqrt(N));
    }

    [Fact]
    public void ItsDefaultIsGlibcsRangeAndBadSpecsSayWhatToWrite()
    {
        Assert.Equal("invsquare:4-32768", SizeDistribution.Parse("invsquare").Spec);
        Assert.Equal(16, SizeDistribution.Parse("invsquare:16-16").Sample(new Random(1)));
        Assert.Equal(16, SizeDistribution.Parse("invsquare:16-16").Mean);
        SizeSpecException zero = Assert.Throws<SizeSpecException>(() => SizeDistribution.Parse("invsquare:0-100"));
        Assert.Contains("invsquare:4-32768", zero.Message, StringComparison.Ordinal);
        SizeSpecException form = Assert.Throws<SizeSpecException>(() => SizeDistribution.Parse("invsquare:4-8:2"));
        Assert.Contains("invsquare:A-B", form.Message, StringComparison.Ordinal);
    }
}
