using Workbench.Figures;

namespace Workbench.Figures.Tests;

/// <summary>
/// A chart asked for what the run does not hold fails at once, with one line that names the value and lists the run's
/// (a <see cref="ChartInputException"/>), instead of drawing nothing or <c>&lt;null&gt;</c>.
/// </summary>
public sealed class ChartInputTests : IDisposable
{
    private readonly Fixture _fixture = new();

    public void Dispose() => _fixture.Dispose();

    [Fact]
    public void AnUnknownBaselineIsOneLineListingTheAllocators()
    {
        ChartInputException e = Assert.Throws<ChartInputException>(() => Charts.RelativeToBaseline(_fixture.Run, "foo"));
        Assert.Equal("baseline 'foo' is not in run 'fixture': choose one of cfa, glibc, jemalloc", e.Message);
        Assert.Equal(("baseline", "foo"), (e.What, e.Value));
        Assert.Equal(Fixture.Allocators, e.Valid);
        Assert.Throws<ChartInputException>(() => RunFigures.All(_fixture.Run, "foo"));
        Assert.Throws<ChartInputException>(() => Charts.SizeThreadsHeatmap(_fixture.Run, "churn", "cfa", "foo"));
    }

    [Fact]
    public void AnUnknownBenchmarkAllocatorOperationThreadCountOrConfigurationIsOneLineListingTheRunsValues()
    {
        (Func<Figure?> Call, string Message)[] cases =
        [
            (() => Charts.Repetitions(_fixture.Run, "larson"), "benchmark 'larson' is not in run 'fixture': choose one of churn, cache-thrash, latency, speed, memory"),
            (() => Charts.FalseSharingSpeedup(_fixture.Run, "cache-scratch"), "benchmark 'cache-scratch' is not in run 'fixture'"),
            (() => Charts.VersusBestPeer(_fixture.Run, "tcmalloc"), "subject 'tcmalloc' is not in run 'fixture': choose one of cfa, glibc, jemalloc"),
            (() => Charts.SizeThreadsHeatmap(_fixture.Run, "churn", "mimalloc"), "allocator 'mimalloc' is not in run 'fixture'"),
            (() => Charts.LatencyCdf(_fixture.Run, "realloc"), "operation 'realloc' is not in run 'fixture': choose one of malloc, free"),
            (() => Charts.LatencyPercentiles(_fixture.Run, "malloc", threads: 8), "thread count '8' is not in run 'fixture': choose one of 1"),
            (() => Charts.RelativeToBaseline(_fixture.Run, "glibc", threads: 3), "thread count '3' is not in run 'fixture': choose one of 1, 2"),
            (() => Charts.RelativeToBaseline(_fixture.Run, "glibc", metric: "nsperop"), "metric 'nsperop' is not in run 'fixture'"),
            (() => Charts.Repetitions(_fixture.Run, "churn", "fixed:65"), "configuration 'fixed:65' is not in run 'fixture': choose one of "),
        ];
        foreach ((Func<Figure?> call, string message) in cases)
        {
            ChartInputException e = Assert.Throws<ChartInputException>(call);
            Assert.StartsWith(message, e.Message, StringComparison.Ordinal);
            Assert.DoesNotContain('\n', e.Message);
            Assert.DoesNotContain("--", e.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void EachOneConfigurationChartDrawsTheConfigurationItIsGiven()
    {
        IReadOnlyList<string> configurations = _fixture.Run.Configurations("churn");
        Assert.Equal(2, configurations.Count);
        foreach (string configuration in configurations)
        {
            Figure figure = Charts.Repetitions(_fixture.Run, "churn", configuration)!;
            Assert.Contains(configuration.Split(' ')[0], figure.ToJson(), StringComparison.Ordinal);
        }
        // fixed:64 runs at half the time of uniform:16-1024 in the fixture: the boxes differ by the configuration.
        double Highest(string configuration)
        {
            using System.Text.Json.JsonDocument json = System.Text.Json.JsonDocument.Parse(Charts.Repetitions(_fixture.Run, "churn", configuration)!.ToJson());
            return json.RootElement.GetProperty("data").EnumerateArray().SelectMany(t => t.GetProperty("y").EnumerateArray().Select(v => v.GetDouble())).Max();
        }
        Assert.Equal(2 * Highest(configurations.Single(c => c.StartsWith("fixed:64", StringComparison.Ordinal))),
            Highest(configurations.Single(c => c.StartsWith("uniform", StringComparison.Ordinal))), 6);
    }
}
