using System.Text.Json;
using Workbench.Benchmarks.Model;
using Workbench.Benchmarks.Results;
using Workbench.Figures;
using Workbench.Figures.Shaping;
using Workbench.Figures.Tests.Shaping;

namespace Workbench.Figures.Tests;

/// <summary>
/// The latency figures drawn from the histograms stored in the run: the tail bucket by bucket (not a step through five
/// percentiles), the percentiles read from each repetition's histogram, the clock's floor drawn, every value labelled.
/// </summary>
public sealed class LatencyFigureTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("figures-latency-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    /// <summary>Two repetitions of cfa and glibc, each with a malloc histogram in latency.csv and a clock of 20 ns.</summary>
    private RunData Run()
    {
        ResultTable table = new();
        foreach (string allocator in new[] { "cfa", "glibc" })
        {
            for (int rep = 1; rep <= 2; rep++)
            {
                // The columns say something else on purpose: the figures must read the histograms.
                table.Add("latency", allocator, 1, rep, new() { ["malloc_p50_ns"] = 1, ["malloc_max_ns"] = 2, ["clock_ns"] = 19 + rep, ["ops"] = 1000 });
                long slow = allocator == "cfa" ? 1 : 3;
                LatencyFile.AppendLines(_directory, table.Rows[^1].TrialName,
                [
                    new LatencyBuckets("malloc", 1, 90_000 * slow, [(31, 500), (47 * slow, 400), (95 * slow, 90), (1023 * slow, 9), (90_000 * slow, 1)]),
                ]);
            }
        }
        return table.Run(_directory);
    }

    [Fact]
    public void TheTailIsEveryBucketOfThePooledRepetitionsDownToTheMaximum()
    {
        LatencyCdfData data = LatencyCdfData.From(Run(), "malloc")!;
        Assert.True(data.FromHistograms);
        Assert.Equal(20.5, data.ClockFloorNs, 9);
        TailPoint[] cfa = [.. data.Series[0].Points];
        // 2000 calls pooled: above 31 ns lie 1000 of them, above 47 ns 200, above 95 ns 20, above 1023 ns 2; the slowest at 1/2000.
        Assert.Equal([new TailPoint(31, 0.5), new TailPoint(47, 0.1), new TailPoint(95, 0.01), new TailPoint(1023, 0.001), new TailPoint(90_000, 0.0005)], cfa);
        Assert.Equal(270_000, data.Series[1].Points[^1].LatencyNs);
    }

    [Fact]
    public void PercentilesComeFromEachRepetitionsHistogramAndTheFloorIsDrawn()
    {
        LatencyPercentilesData data = LatencyPercentilesData.From(Run(), "malloc")!;
        Assert.True(data.FromHistograms);
        MedianRange[] cfa = [.. data.Series[0].Points];
        // 1000 calls a repetition resolve p99.9 but not p99.99.
        Assert.Equal(["p50", "p90", "p99", "p99.9", "max"], cfa.Select(p => p.Label));
        Assert.Equal([31.0, 47, 95, 1023, 90_000], cfa.Select(p => p.Median));

        Figure figure = Charts.LatencyPercentiles(Run(), "malloc")!;
        using JsonDocument json = JsonDocument.Parse(figure.ToJson());
        JsonElement floor = json.RootElement.GetProperty("data").EnumerateArray().Single(t => t.GetProperty("name").GetString()!.StartsWith("clock floor", StringComparison.Ordinal));
        Assert.All(floor.GetProperty("y").EnumerateArray(), y => Assert.Equal(20.5, y.GetDouble(), 9));
        // Every value drawn lies within the labelled ticks: one at or below the floor and the p50s, one at or above the maxima.
        double[] ticks = [.. json.RootElement.GetProperty("layout").GetProperty("yaxis").GetProperty("tickvals").EnumerateArray().Select(v => v.GetDouble())];
        Assert.True(ticks.Min() <= 20.5, $"lowest tick {ticks.Min()}");
        Assert.True(ticks.Max() >= 100_000, $"highest tick {ticks.Max()}");
        Assert.Equal(ticks.Length, json.RootElement.GetProperty("layout").GetProperty("yaxis").GetProperty("ticktext").GetArrayLength());

        Figure cdf = Charts.LatencyCdf(Run(), "malloc")!;
        Assert.Contains("from the histograms", cdf.Title, StringComparison.Ordinal);
        Assert.Contains(cdf.TraceNames, n => n.StartsWith("clock floor (20.5 ns", StringComparison.Ordinal));
    }
}
