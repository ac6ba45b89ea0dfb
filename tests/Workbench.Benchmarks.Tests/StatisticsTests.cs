using Workbench.Benchmarks.Analysis;
using Workbench.Benchmarks.Results;
using Workbench.Benchmarks.Workloads;

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
    public void AnIntervalOfPositiveValuesNeverReachesBelowZero()
    {
        // Two scattered repetitions: mean 105, t(0.975, 1) = 12.7062 x SD 134.35 / sqrt 2 = 1207 either way: a t interval
        // of -1102 .. 1312 ns, an impossible time. The interval of the mean log instead: exp(ln(sqrt(10 x 200)) +- 12.7062
        // x SD of the logs / sqrt 2).
        SampleSummary s = Describe.Sample([10.0, 200]);
        double logMean = (Math.Log(10) + Math.Log(200)) / 2;
        double half = Describe.TQuantile(0.95, 1) * (Math.Abs(Math.Log(200) - Math.Log(10)) / Math.Sqrt(2)) / Math.Sqrt(2);
        Assert.Equal(Math.Exp(logMean - half), s.CiLow, 9);
        Assert.Equal(1, s.CiHigh / Math.Exp(logMean + half), 9);
        Assert.True(s.CiLow > 0);
        // A narrow sample keeps its t interval of the mean.
        Assert.Equal(100 - 12.706205 * Math.Sqrt(2) / Math.Sqrt(2), Describe.Sample([99.0, 101]).CiLow, 4);
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
    public void PairedComparisonIsATTestOnTheLogRatios()
    {
        // log(a/b) = 0.1 .. 0.5: mean 0.3, sd 0.158114, t = 0.3 / (0.158114 / sqrt 5) = 4.242641 with 4 degrees of
        // freedom, two-sided p 0.013236 (the t distribution's density integrated numerically), interval
        // exp(0.3 -+ 2.776445 * 0.070711) = 1.109241 .. 1.642672.
        (double, double)[] pairs = [.. new[] { 0.1, 0.2, 0.3, 0.4, 0.5 }.Select((x, i) => (Math.Exp(x) * (i + 1), (double)(i + 1)))];
        Comparison c = Comparison.OfPairs(pairs);
        Assert.True(c.Paired);
        Assert.Equal("paired t", c.Test);
        Assert.Equal(Math.Exp(0.3), c.Ratio, 9);
        Assert.Equal(4.242641, c.T, 5);
        Assert.Equal(4, c.DegreesOfFreedom);
        Assert.Equal(0.013236, c.PValue, 5);
        Assert.Equal(1.109241, c.RatioLow, 5);
        Assert.Equal(1.642672, c.RatioHigh, 5);
        Assert.True(c.Significant());
    }

    [Fact]
    public void PairingCancelsAPhaseOfTheMachineThatTheUnpairedTestCannotSee()
    {
        // The baseline's repetitions fall in two phases (2 and 3.5 ns); the other allocator is 10% slower in each
        // repetition, -+1%. Paired, the ratio is 1.10 with a narrow interval that excludes 1; unpaired, the phases
        // are spread and the same data shows no significant difference.
        double[] baseline = [2.0, 2.0, 3.5, 2.0, 3.5, 3.5, 2.0];
        (double, double)[] pairs = [.. baseline.Select((b, i) => (b * 1.1 * (i % 2 == 0 ? 1.01 : 0.99), b))];
        Comparison paired = Comparison.OfPairs(pairs);
        Assert.Equal(1.1, paired.Ratio, 2);
        Assert.True(paired.RatioLow > 1.08 && paired.RatioHigh < 1.12, $"{paired.RatioLow} .. {paired.RatioHigh}");
        Assert.True(paired.Significant(0.001));
        Comparison unpaired = Comparison.Of([.. pairs.Select(p => p.Item1)], baseline);
        Assert.False(unpaired.Significant());
        Assert.True(unpaired.RatioLow < 1, $"unpaired interval {unpaired.RatioLow} .. {unpaired.RatioHigh}");
    }

    [Fact]
    public void PairedComparisonRejectsValuesWithoutARatio()
    {
        Assert.Throws<ArgumentException>(() => Comparison.OfPairs([]));
        Assert.Throws<ArgumentException>(() => Comparison.OfPairs([(1.0, 2.0), (0.0, 2.0)]));
        Assert.Throws<ArgumentException>(() => Comparison.OfPairs([(1.0, double.NaN)]));
        Comparison one = Comparison.OfPairs([(3.0, 2.0)]);
        Assert.Equal(1.5, one.Ratio, 12);
        Assert.True(double.IsNaN(one.RatioLow) && double.IsNaN(one.PValue));
    }

    /// <summary>A result row of the speed benchmark, 1 thread, with <paramref name="ns"/> per operation.</summary>
    private static ResultRow Row(string allocator, int repetition, double ns, string status = "ok", string sizes = "fixed:64", int threads = 1) => new(
        new Dictionary<string, string>
        {
            ["benchmark"] = "speed", ["allocator"] = allocator, ["threads"] = threads.ToString(System.Globalization.CultureInfo.InvariantCulture), ["sizes"] = sizes,
            ["repetition"] = repetition.ToString(System.Globalization.CultureInfo.InvariantCulture), ["status"] = status,
            ["ns_per_op"] = ns.ToString("R", System.Globalization.CultureInfo.InvariantCulture),
        },
        []);

    [Fact]
    public void SummaryPairsByRepetitionWhenItCan()
    {
        // Repetitions 1-4 of both; cfa's repetition 3 failed and the baseline has a fifth: pairs are 1, 2 and 4.
        List<ResultRow> cfa = [Row("cfa", 1, 2.2), Row("cfa", 2, 3.3), Row("cfa", 3, 0, "failed"), Row("cfa", 4, 2.2)];
        List<ResultRow> glibc = [Row("glibc", 1, 2.0), Row("glibc", 2, 3.0), Row("glibc", 3, 2.0), Row("glibc", 4, 2.0), Row("glibc", 5, 9.0)];
        Comparison? c = SummaryBuilder.Compare(cfa, glibc, "ns_per_op");
        Assert.NotNull(c);
        Assert.True(c.Paired);
        Assert.Equal(3, c.DegreesOfFreedom + 1);
        Assert.Equal(1.1, c.Ratio, 9);
        // A repetition number that occurs twice (two runs merged) cannot be paired: the unpaired comparison instead.
        Comparison? merged = SummaryBuilder.Compare([.. cfa, Row("cfa", 1, 2.4)], glibc, "ns_per_op");
        Assert.NotNull(merged);
        Assert.False(merged.Paired);
        Assert.Equal("Welch", merged.Test);
        // Only one repetition in common: unpaired.
        Assert.False(SummaryBuilder.Compare([Row("cfa", 1, 2.2)], [Row("glibc", 1, 2.0), Row("glibc", 2, 2.0)], "ns_per_op")!.Paired);
        // Nothing ok on one side: no comparison.
        Assert.Null(SummaryBuilder.Compare([Row("cfa", 1, 0, "failed")], glibc, "ns_per_op"));
    }

    [Fact]
    public void BestPeerIsTheNativeAllocatorWithTheLowestMedianOfEachConfiguration()
    {
        List<ResultRow> rows =
        [
            // fixed:64: tcmalloc has the lowest median of the natives (its mean is the highest: one slow repetition);
            // cfa-noown and bump are faster still but are not native peers.
            Row("cfa", 1, 2.2, sizes: "fixed:64"), Row("cfa", 2, 2.4, sizes: "fixed:64"), Row("cfa", 3, 2.0, sizes: "fixed:64"),
            Row("tcmalloc", 1, 2.0, sizes: "fixed:64"), Row("tcmalloc", 2, 2.0, sizes: "fixed:64"), Row("tcmalloc", 3, 20.0, sizes: "fixed:64"),
            Row("glibc", 1, 3.0, sizes: "fixed:64"), Row("glibc", 2, 3.0, sizes: "fixed:64"), Row("glibc", 3, 3.0, sizes: "fixed:64"),
            Row("cfa-noown", 1, 1.0, sizes: "fixed:64"), Row("cfa-noown", 2, 1.0, sizes: "fixed:64"), Row("cfa-noown", 3, 1.0, sizes: "fixed:64"),
            Row("bump", 1, 0.5, sizes: "fixed:64"), Row("bump", 2, 0.5, sizes: "fixed:64"), Row("bump", 3, 0.5, sizes: "fixed:64"),
            // fixed:128: only jemalloc as a peer.
            Row("cfa", 1, 4.0, sizes: "fixed:128"), Row("cfa", 2, 4.0, sizes: "fixed:128"),
            Row("jemalloc", 1, 5.0, sizes: "fixed:128"), Row("jemalloc", 2, 5.0, sizes: "fixed:128"),
            // fixed:256: no native peer; fixed:512: no cfa. Neither gives a line.
            Row("cfa", 1, 4.0, sizes: "fixed:256"), Row("bump", 1, 1.0, sizes: "fixed:256"),
            Row("glibc", 1, 4.0, sizes: "fixed:512"),
        ];
        List<BestPeerLine> lines = BestPeerComparison.Build(rows, "cfa");
        Assert.Equal(["1t fixed:64", "1t fixed:128"], lines.Select(l => l.Configuration));

        BestPeerLine first = lines[0];
        Assert.Equal("tcmalloc", first.Peer);
        Assert.Equal(2.2, first.SubjectMedian, 12);
        Assert.Equal(2.0, first.PeerMedian, 12);
        Assert.Equal(1.1, first.MedianRatio, 12);
        // Paired by repetition against that peer: the geometric mean of 1.1, 1.2 and 0.1.
        Assert.NotNull(first.Versus);
        Assert.True(first.Versus.Paired);
        Assert.Equal(Math.Cbrt(1.1 * 1.2 * 0.1), first.Versus.Ratio, 9);

        BestPeerLine second = lines[1];
        Assert.Equal("jemalloc", second.Peer);
        Assert.Equal(0.8, second.MedianRatio, 12);
        Assert.Equal(0.8, second.Versus!.Ratio, 9);
    }

    [Fact]
    public void ScalingComparesTimePerOperationPerThreadWithOneThreadPairedByRepetition()
    {
        List<ResultRow> rows =
        [
            // glibc scales perfectly (its rows come first; the lines follow the catalogue's order); tcmalloc has no
            // 1-thread trial and gives no line.
            Row("glibc", 1, 3.0), Row("glibc", 2, 3.0), Row("glibc", 1, 1.5, threads: 2), Row("glibc", 2, 1.5, threads: 2),
            Row("tcmalloc", 1, 1.0, threads: 2),
            // cfa: 2.0 ns per op at 1 thread; at 2 threads 1.1 and 1.2 ns per op of both threads, 2.2 and 2.4 per thread.
            Row("cfa", 1, 2.0), Row("cfa", 2, 2.0), Row("cfa", 1, 1.1, threads: 2), Row("cfa", 2, 1.2, threads: 2),
            // 4 threads, one repetition failed: a single pair left, so the comparison is unpaired.
            Row("cfa", 1, 0.5, threads: 4), Row("cfa", 2, 0, "failed", threads: 4),
        ];
        List<ScalingLine> lines = ThreadScaling.Build(rows);
        Assert.Equal([("cfa", 2), ("cfa", 4), ("glibc", 2)], lines.Select(l => (l.Allocator, l.Threads)));

        ScalingLine two = lines[0];
        Assert.Equal(2.0, two.OneThreadMedian, 12);
        Assert.Equal(2.3, two.PerThreadMedian, 12);
        Assert.Equal(1.15, two.MedianRatio, 12);
        Assert.True(two.Versus!.Paired);
        Assert.Equal(Math.Sqrt(1.1 * 1.2), two.Versus.Ratio, 9);

        ScalingLine four = lines[1];
        Assert.Equal(1.0, four.MedianRatio, 12);
        Assert.False(four.Versus!.Paired);

        Assert.Equal(1.0, lines[2].Versus!.Ratio, 12);
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
