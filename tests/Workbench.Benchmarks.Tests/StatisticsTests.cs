using Workbench.Benchmarks.Analysis;

namespace Workbench.Benchmarks.Tests;

/// <summary>The statistics against values known from tables and from R.</summary>
public sealed class StatisticsTests
{
    [Theory]
    [InlineData(19, 2.093024)]
    [InlineData(4, 2.776445)]
    [InlineData(1, 12.706205)]
    [InlineData(1000, 1.962339)]
    public void StudentTQuantilesMatchTheTables(double df, double expected)
    {
        Assert.InRange(Describe.TQuantile(0.95, df), expected - 1e-6, expected + 1e-6);
    }

    [Fact]
    public void MeanMedianSdAndIntervalOfAKnownSample()
    {
        // 2, 4, 4, 4, 5, 5, 7, 9: mean 5, sample SD sqrt(32/7); t(0.975, 7) = 2.364624.
        double[] values = [2, 4, 4, 4, 5, 5, 7, 9];
        SampleSummary s = Describe.Sample(values);
        Assert.Equal(8, s.Count);
        Assert.Equal(5, s.Mean, 12);
        Assert.Equal(4.5, s.Median, 12);
        Assert.Equal(Math.Sqrt(32.0 / 7), s.StandardDeviation, 12);
        double half = 2.364624 * Math.Sqrt(32.0 / 7) / Math.Sqrt(8);
        Assert.Equal(5 - half, s.CiLow, 5);
        Assert.Equal(5 + half, s.CiHigh, 5);
    }

    [Fact]
    public void OneValueHasNoInterval()
    {
        SampleSummary s = Describe.Sample([3.0]);
        Assert.Equal(3, s.Mean);
        Assert.True(double.IsNaN(s.CiLow) && double.IsNaN(s.StandardDeviation));
    }

    [Fact]
    public void QuantilesUseDefinitionR7()
    {
        // R: quantile(c(1, 2, 3, 4, 10), c(0.25, 0.9)) = 2, 7.6 (type 7).
        double[] values = [10, 2, 4, 1, 3];
        Assert.Equal(2, Describe.Quantile(values, 0.25), 12);
        Assert.Equal(7.6, Describe.Quantile(values, 0.9), 12);
    }

    [Fact]
    public void TukeyFencesFlagOnlyTheOutlier()
    {
        double[] values = [10, 11, 10.5, 10.2, 10.8, 30, 10.1];
        SampleSummary s = Describe.Sample(values);
        Assert.Equal([false, false, false, false, false, true, false], s.Outliers);
    }

    [Fact]
    public void WelchTestMatchesR()
    {
        // R: t.test(c(1,2,3,4,5), c(2,4,6,8,10)) gives t = -1.8974, df = 5.8824, p-value = 0.1075.
        Comparison c = Comparison.Of([1.0, 2, 3, 4, 5], [2.0, 4, 6, 8, 10]);
        Assert.Equal(-1.8974, c.T, 4);
        Assert.Equal(5.8824, c.DegreesOfFreedom, 4);
        Assert.Equal(0.1075, c.PValue, 4);
        Assert.Equal(0.5, c.Ratio, 12);
        Assert.False(c.Significant());
    }

    [Fact]
    public void RatioIntervalContainsTheRatioAndClearDifferencesAreSignificant()
    {
        Comparison c = Comparison.Of([20.0, 21, 19, 20.5, 19.5], [10.0, 10.5, 9.5, 10.2, 9.8]);
        Assert.Equal(2, c.Ratio, 2);
        Assert.True(c.RatioLow < c.Ratio && c.Ratio < c.RatioHigh);
        Assert.True(c.RatioLow > 1.8 && c.RatioHigh < 2.2);
        // The interval is symmetric on the log scale: low * high = ratio^2.
        Assert.Equal(c.Ratio * c.Ratio, c.RatioLow * c.RatioHigh, 9);
        // Noisy samples give a wide interval that still stays positive.
        Comparison noisy = Comparison.Of([1.0, 10, 100], [5.0, 6, 7]);
        Assert.True(noisy.RatioLow > 0 && noisy.RatioLow < noisy.Ratio && noisy.Ratio < noisy.RatioHigh);
        Assert.True(c.Significant(0.001));
    }

    [Fact]
    public void LatencyHistogramPercentilesAreWithinItsPrecision()
    {
        LatencyHistogram h = new();
        for (int v = 1; v <= 100_000; v++)
        {
            h.Record(v);
        }
        Assert.Equal(100_000, h.Count);
        Assert.Equal(100_000, h.Max);
        foreach ((double p, double exact) in new[] { (50.0, 50_000.0), (90.0, 90_000.0), (99.0, 99_000.0), (99.9, 99_900.0) })
        {
            double got = h.Percentile(p);
            Assert.InRange(got, exact, exact * (1 + 1.0 / 64) + 1);
        }
        Assert.Equal(100_000, h.Percentile(100));
        LatencyHistogram small = new();
        small.Record(3);
        small.Record(5);
        Assert.Equal(3, small.Percentile(50));
        Assert.Equal(5, small.Percentile(99.9));
        h.Add(small);
        Assert.Equal(100_002, h.Count);
    }

    [Fact]
    public void HistogramBucketsCoverEveryValueOnce()
    {
        long previousUpper = -1;
        for (int index = 0; index < 64 * 20; index++)
        {
            long upper = LatencyHistogram.UpperBound(index);
            Assert.True(upper > previousUpper);
            Assert.Equal(index, LatencyHistogram.IndexOf(upper));
            Assert.Equal(index, LatencyHistogram.IndexOf(previousUpper + 1));
            previousUpper = upper;
        }
    }
}
