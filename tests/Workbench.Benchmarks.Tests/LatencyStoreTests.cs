using System.Globalization;
using Workbench.Benchmarks.Model;
using Workbench.Benchmarks.Results;
using Workbench.Benchmarks.Runner;
using Workbench.Benchmarks.Workloads;

namespace Workbench.Benchmarks.Tests;

/// <summary>
/// The latency histograms a trial counts are stored in the run (<c>latency.csv</c>), per trial, compact, and read back
/// bucket for bucket: the percentiles read from them are the ones in <c>results.csv</c>.
/// </summary>
public sealed class LatencyStoreTests
{
    [Fact]
    public void ALatencySweepStoresEachTrialsHistogramsAndTheyReadBackAsItsPercentiles()
    {
        string folder = TestRuns.NewFolder("latency-store");
        SweepDefinition sweep = TestRuns.TinySweep("latency-store", ["latency"], ["glibc", "bump"], repetitions: 2);
        sweep.Knobs[new KnobName(null, "iterations")] = [3000];
        // Out of process: the histograms travel from the trial process to the runner in its result line.
        SweepOutcome outcome = new SweepRunner(TestRuns.Launcher()).Run(sweep, folder, Shard.All, []);
        Assert.Equal(4, outcome.Count(TrialStatus.Ok));

        List<ResultRow> rows = [.. ResultsFile.Read(Path.Combine(folder, "results.csv")).Rows];
        Dictionary<string, List<LatencyBuckets>> stored = LatencyFile.Read(folder);
        Assert.Equal(rows.Select(r => r.TrialName).Order(), stored.Keys.Order());
        foreach (ResultRow row in rows)
        {
            List<LatencyBuckets> histograms = stored[row.TrialName];
            Assert.Equal(["malloc", "free"], histograms.Select(h => h.Operation));
            LatencyBuckets malloc = histograms[0];
            // Every malloc was timed: the histogram counts each one.
            Assert.Equal(3000, malloc.Count);
            Assert.True(histograms[1].Count > 0 && histograms[1].Count <= 3000);
            foreach (LatencyBuckets h in histograms)
            {
                Assert.True(h.Buckets.Zip(h.Buckets.Skip(1)).All(p => p.First.UpperTicks < p.Second.UpperTicks), "buckets ascend");
                foreach ((string suffix, double percent) in LatencyWorkload.Percentiles)
                {
                    Assert.Equal(row.Number($"{h.Operation}_{suffix}_ns"), h.PercentileNs(percent), 6);
                }
                Assert.Equal(row.Number($"{h.Operation}_max_ns"), h.MaxNs, 6);
            }
        }
        // Compact: a line per trial and operation, a few kilobytes each, however many calls were timed.
        string[] lines = File.ReadAllLines(Path.Combine(folder, LatencyFile.FileName));
        Assert.Equal(LatencyFile.Header, lines[0]);
        Assert.Equal(1 + 2 * rows.Count, lines.Length);
        Assert.All(lines.Skip(1), l => Assert.True(l.Length < 16_000, $"{l.Length} characters"));
    }

    [Fact]
    public void AHistogramWrittenAndReadBackIsTheSameAndTheLastLineOfATrialWins()
    {
        string folder = TestRuns.NewFolder("latency-file");
        LatencyHistogram h = new();
        foreach (long v in new long[] { 20, 21, 21, 40, 1000, 1000, 1_000_000 })
        {
            h.Record(v);
        }
        LatencyBuckets first = h.ToBuckets("malloc", 1);
        LatencyFile.AppendLines(folder, "t1", [first, new LatencyHistogram().ToBuckets("free", 1)]);
        h.Record(5_000_000);
        LatencyBuckets again = h.ToBuckets("malloc", 1);
        LatencyFile.AppendLines(folder, "t1", [again]);

        List<LatencyBuckets> read = LatencyFile.Read(folder)["t1"];
        Assert.Equal(["free", "malloc"], read.Select(b => b.Operation));
        LatencyBuckets malloc = read[1];
        Assert.Equal(again.Buckets, malloc.Buckets);
        Assert.Equal(5_000_000, malloc.MaxTicks);
        Assert.Equal(8, malloc.Count);
        Assert.Equal(h.Percentile(50), malloc.PercentileTicks(50));
        // The 6th smallest of 8 is 1000: the upper end of its bucket (within 1/64 of it).
        Assert.Equal(LatencyHistogram.UpperBound(LatencyHistogram.IndexOf(1000)), malloc.PercentileTicks(75));
    }

    [Fact]
    public void TheTailGivesTheFractionAboveEachBucketAndEndsAtTheMaximumAtOneCall()
    {
        LatencyBuckets h = new("malloc", 2, 500, [(10, 50), (20, 40), (100, 9), (600, 1)]);
        // 100 calls: above the first bucket's 10 ticks (20 ns) lie 50 of them, and so on; the last at the maximum.
        Assert.Equal([(20.0, 0.5), (40.0, 0.1), (200.0, 0.01), (1000.0, 0.01)], h.Tail());
        LatencyBuckets pooled = LatencyBuckets.Pool([h, new LatencyBuckets("malloc", 2, 30, [(10, 50), (30, 50)])]);
        Assert.Equal([(10L, 100L), (20L, 40L), (30L, 50L), (100L, 9L), (600L, 1L)], pooled.Buckets);
        Assert.Equal(500, pooled.MaxTicks);
    }

    [Theory]
    [InlineData("t1,malloc,1,100,20:5 10:3", 2)]
    [InlineData("t1,malloc,1,100,20:x", 2)]
    [InlineData("t1,malloc,zero,100,20:5", 2)]
    [InlineData("t1,malloc,1,100", 2)]
    public void ADamagedLineIsRejectedWithItsFileAndLine(string line, int number)
    {
        string folder = TestRuns.NewFolder("latency-bad");
        File.WriteAllLines(Path.Combine(folder, LatencyFile.FileName), [LatencyFile.Header, line]);
        InvalidDataException e = Assert.Throws<InvalidDataException>(() => LatencyFile.Read(folder));
        Assert.Contains($"{LatencyFile.FileName}:{number.ToString(CultureInfo.InvariantCulture)}:", e.Message, StringComparison.Ordinal);
    }
}
