using System.Numerics;
using Workbench.Benchmarks.Sizes;

namespace Workbench.Benchmarks.Tests;

/// <summary>Each size spec parses, and a large sample has the distribution's bounds, mean and shape.</summary>
public sealed class SizeDistributionTests
{
    private const int N = 200_000;

    private static long[] Draw(SizeDistribution d, int seed = 7)
    {
        Random random = new(seed);
        return [.. Enumerable.Range(0, N).Select(_ => d.Sample(random))];
    }

    /// <summary>The sample mean is within 5 standard errors of the exact mean.</summary>
    private static void AssertMean(long[] sample, double expected)
    {
        double mean = sample.Average();
        double sd = Math.Sqrt(sample.Select(v => (v - mean) * (v - mean)).Sum() / (sample.Length - 1));
        double tolerance = 5 * sd / Math.Sqrt(sample.Length) + 1e-9;
        Assert.InRange(mean, expected - tolerance, expected + tolerance);
    }

    [Fact]
    public void FixedAlwaysGivesItsSize()
    {
        SizeDistribution d = SizeDistribution.Parse("fixed:64");
        Assert.Equal("fixed:64", d.Spec);
        Assert.All(Draw(d).Take(1000), v => Assert.Equal(64, v));
    }

    [Fact]
    public void UniformCoversTheRangeWithTheRightMean()
    {
        SizeDistribution d = SizeDistribution.Parse("uniform:16-1024");
        long[] s = Draw(d);
        Assert.Equal(16, s.Min());
        Assert.Equal(1024, s.Max());
        Assert.Equal(520, d.Mean);
        AssertMean(s, 520);
        // Every decile of the range holds about a tenth of the sample.
        for (int k = 0; k < 10; k++)
        {
            double low = 16 + k * 100.9;
            double share = s.Count(v => v >= low && v < low + 100.9) / (double)N;
            Assert.InRange(share, 0.09, 0.11);
        }
    }

    [Fact]
    public void Pow2GivesPowersOfTwoWithEqualExponentShares()
    {
        SizeDistribution d = SizeDistribution.Parse("pow2:16-4096");
        long[] s = Draw(d);
        Assert.All(s, v => Assert.True(BitOperations.IsPow2(v) && v >= 16 && v <= 4096, $"{v}"));
        foreach (long p in new long[] { 16, 32, 64, 128, 256, 512, 1024, 2048, 4096 })
        {
            Assert.InRange(s.Count(v => v == p) / (double)N, 1 / 9.0 - 0.01, 1 / 9.0 + 0.01);
        }
        AssertMean(s, d.Mean);
    }

    [Fact]
    public void LogUniformGivesEveryDoublingAnEqualShare_WithinItsBounds()
    {
        SizeDistribution d = SizeDistribution.Parse("loguniform:1-3145728");
        Assert.Equal("loguniform:1-3145728", d.Spec);
        long[] sizes = Draw(d);
        Assert.All(sizes, x => Assert.InRange(x, 1, 3145728));
        // Octaves [2^k, 2^(k+1)) for k = 0..20 lie wholly inside 1..3 MiB, and each holds ln 2 / ln(3145729) of the draws.
        double share = Math.Log(2) / Math.Log(3145729.0);
        for (int k = 0; k <= 20; k++)
        {
            int count = sizes.Count(x => x >= 1L << k && x < 2L << k);
            Assert.InRange(count / (double)N, 0.9 * share, 1.1 * share);
        }
        Assert.InRange(sizes.Average(), 0.95 * d.Mean, 1.05 * d.Mean);
        Assert.Throws<SizeSpecException>(() => SizeDistribution.Parse("loguniform:0-100"));
        Assert.Throws<SizeSpecException>(() => SizeDistribution.Parse("loguniform:100"));
    }

    [Fact]
    public void GeometricHasItsTruncatedMeanAndBounds()
    {
        SizeDistribution d = SizeDistribution.Parse("geometric:16-4096:128");
        long[] s = Draw(d);
        Assert.True(s.Min() >= 16 && s.Max() <= 4096);
        Assert.InRange(d.Mean, 127, 128.01);
        AssertMean(s, d.Mean);
        // Geometric: P(X = A) = p = 1/113.
        Assert.InRange(s.Count(v => v == 16) / (double)N, 1 / 113.0 - 0.002, 1 / 113.0 + 0.002);
        Assert.Equal("geometric:16-4096:128", SizeDistribution.Parse("geometric").Spec);
    }

    [Fact]
    public void ParetoFollowsItsDistributionFunction()
    {
        ParetoSizes d = (ParetoSizes)SizeDistribution.Parse("pareto:8-1024:1");
        long[] s = Draw(d);
        Assert.True(s.Min() >= 8 && s.Max() <= 1024);
        foreach (long x in new long[] { 8, 15, 31, 100, 500 })
        {
            double expected = d.Cdf(x);
            double observed = s.Count(v => v <= x) / (double)N;
            Assert.InRange(observed, expected - 0.005, expected + 0.005);
        }
        // P(X <= 15) = (1 - 8/16) / (1 - 8/1025) for the truncated Pareto with shape 1.
        Assert.Equal((1 - 8.0 / 16) / (1 - 8.0 / 1025), d.Cdf(15), 12);
        AssertMean(s, d.Mean);
    }

    [Fact]
    public void HistogramFileGivesItsSizesInProportion()
    {
        string path = Path.Combine(Path.GetTempPath(), $"wb-hist-{Guid.NewGuid():N}.txt");
        File.WriteAllText(path, "# comment\n16 3\n64,1\n\n4096 0\n256\n");
        try
        {
            SizeDistribution d = SizeDistribution.Parse("file:" + path);
            long[] s = Draw(d);
            Assert.Equal(0.6, s.Count(v => v == 16) / (double)N, 2);
            Assert.Equal(0.2, s.Count(v => v == 64) / (double)N, 2);
            Assert.Equal(0.2, s.Count(v => v == 256) / (double)N, 2);
            Assert.DoesNotContain(4096L, s);
            Assert.Equal((16 * 3 + 64 + 256) / 5.0, d.Mean, 9);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData("banana", "unknown size spec")]
    [InlineData("fixed:abc", "bad size")]
    [InlineData("uniform:100-10", "first bound must not exceed")]
    [InlineData("uniform:16", "write A-B")]
    [InlineData("pow2:10-100", "powers of two")]
    [InlineData("geometric:16-4096:8", "mean must lie above A")]
    [InlineData("pareto:0-100:1", "at least 1")]
    [InlineData("file:/no/such/file.txt", "not found")]
    [InlineData("fixed:99999999999999", "bad size")]
    public void BadSpecsAreRejectedWithAMessageThatSaysWhatToWrite(string spec, string expected)
    {
        SizeSpecException e = Assert.Throws<SizeSpecException>(() => SizeDistribution.Parse(spec));
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
        Assert.Contains("write", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SizeTableRepeatsTheSameSizesForTheSameSeed()
    {
        SizeDistribution d = SizeDistribution.Parse("uniform:1-1000000");
        SizeTable a = new(d, 42, 1000);
        SizeTable b = new(d, 42, 1000);
        SizeTable c = new(d, 43, 1000);
        Assert.Equal(1024, a.Length);
        Assert.True(Enumerable.Range(0, 1024).All(i => a[i] == b[i]));
        Assert.False(Enumerable.Range(0, 1024).All(i => a[i] == c[i]));
        Assert.Equal(a[5], a[5 + 1024]);
    }
}
