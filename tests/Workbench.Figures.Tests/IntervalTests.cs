using System.Text.Json;
using Workbench.Figures;
using Workbench.Figures.Tests.Shaping;

namespace Workbench.Figures.Tests;

/// <summary>
/// What a chart says about its intervals: the repetitions behind every point, no interval and no "95% CI" with one
/// repetition, and an interval cut at the frame named with its real ends.
/// </summary>
public sealed class IntervalTests : IDisposable
{
    private readonly Fixture _fixture = new();

    public void Dispose() => _fixture.Dispose();

    [Fact]
    public void EveryFigureOfARunSaysHowManyRepetitionsStandBehindItsPoints()
    {
        List<Figure> figures = RunFigures.All(_fixture.Run);
        Assert.NotEmpty(figures);
        foreach (Figure figure in figures)
        {
            Assert.Equal((3, 3), figure.Repetitions);
            Assert.Contains(Annotations(figure), a => a == "n = 3 repetitions");
        }
    }

    [Fact]
    public void WithOneRepetitionNoChartDrawsAnIntervalOrClaimsA95PercentInterval()
    {
        ResultTable table = new();
        foreach ((string allocator, double ns) in new[] { ("glibc", 100.0), ("cfa", 50.0), ("jemalloc", 70.0) })
        {
            foreach (int threads in new[] { 1, 2 })
            {
                table.Add("churn", allocator, threads, 1, new() { ["ns_per_op"] = ns / threads, ["ops_per_s"] = 1e9 / ns * threads });
                table.Add("cache-thrash", allocator, threads, 1, new() { ["ns_per_op"] = ns, ["elapsed_s"] = ns / 1000 / threads });
            }
        }
        List<Figure> figures = RunFigures.All(table.Run());
        Assert.Contains(figures, f => f.Name == "relative-to-glibc");
        Assert.Contains(figures, f => f.Name == "cfa-vs-best-peer");
        Assert.Contains(figures, f => f.Name == "cache-thrash-speedup");
        foreach (Figure figure in figures)
        {
            string json = figure.ToJson();
            Assert.DoesNotContain("error_y", json, StringComparison.Ordinal);
            Assert.DoesNotContain("95% CI", figure.Title, StringComparison.Ordinal);
            Assert.Contains(Annotations(figure), a => a == "n = 1 repetition: no interval");
        }
    }

    [Fact]
    public void AnIntervalCutAtTheFrameIsNamedWithItsRealEnds()
    {
        ResultTable table = new();
        // glibc steady; cfa's two repetitions far apart: its ratio interval spans far more than 4x either way.
        foreach ((int rep, double cfa) in new[] { (1, 10.0), (2, 400.0) })
        {
            table.Add("churn", "glibc", 1, rep, new() { ["ns_per_op"] = 100 });
            table.Add("churn", "cfa", 1, rep, new() { ["ns_per_op"] = cfa });
            table.Add("larson", "glibc", 1, rep, new() { ["ns_per_op"] = 100 });
            table.Add("larson", "cfa", 1, rep, new() { ["ns_per_op"] = 90 + rep });
        }
        Figure figure = Charts.RelativeToBaseline(table.Run(), "glibc")!;
        string note = Assert.Single(Annotations(figure), a => a.Contains("cut at the frame", StringComparison.Ordinal));
        Assert.Contains("cfa churn [", note, StringComparison.Ordinal);
        Assert.DoesNotContain("larson", note, StringComparison.Ordinal);
        // The axis does not reach the interval's top: it is cut, and the note says so.
        using JsonDocument json = JsonDocument.Parse(figure.ToJson());
        double top = Math.Pow(10, json.RootElement.GetProperty("layout").GetProperty("yaxis").GetProperty("range")[1].GetDouble());
        Workbench.Benchmarks.Analysis.Comparison churn = Workbench.Figures.Shaping.RelativeToBaselineData.From(table.Run(), "glibc")!.Series[0].Points[0].Ratio;
        Assert.True(churn.RatioHigh > top, $"{churn.RatioHigh} within {top}");

        // Nothing cut, no note.
        Assert.DoesNotContain(Annotations(Charts.RelativeToBaseline(_fixture.Run, "glibc")!), a => a.Contains("cut at the frame", StringComparison.Ordinal));
    }

    [Fact]
    public void TheRelativeChartHasALegendForOneAllocatorAndAnEntryForTheBaselineLine()
    {
        ResultTable table = new();
        for (int rep = 1; rep <= 3; rep++)
        {
            table.Add("churn", "glibc", 1, rep, new() { ["ns_per_op"] = 100 + rep });
            table.Add("churn", "cfa", 1, rep, new() { ["ns_per_op"] = 50 + rep });
        }
        using JsonDocument json = JsonDocument.Parse(Charts.RelativeToBaseline(table.Run(), "glibc")!.ToJson());
        Assert.True(json.RootElement.GetProperty("layout").GetProperty("showlegend").GetBoolean());
        string[] names = [.. json.RootElement.GetProperty("data").EnumerateArray().Select(t => t.GetProperty("name").GetString()!)];
        Assert.Equal(["cfa", "glibc (baseline)"], names);
    }

    [Fact]
    public void TraceReplaysAtOneThreadCountGetNoDegenerateHeatmap()
    {
        ResultTable table = new();
        foreach (string trace in new[] { "sqlite3", "python3", "perl", "lua", "gs" })
        {
            for (int rep = 1; rep <= 2; rep++)
            {
                table.Add("trace-replay", "glibc", 1, rep, new() { ["ns_per_op"] = 100 + rep }, sizes: $"trace:data/traces/{trace}.trace");
                table.Add("trace-replay", "cfa", 1, rep, new() { ["ns_per_op"] = 80 + rep }, sizes: $"trace:data/traces/{trace}.trace");
            }
        }
        // Five traces at one thread count: a 5 x 1 grid in one colour says nothing the relative chart does not.
        Assert.Null(Charts.SizeThreadsHeatmap(table.Run(), "trace-replay", "cfa", "glibc"));
        List<Figure> figures = RunFigures.All(table.Run());
        Assert.DoesNotContain(figures, f => f.Name.Contains("sizes-threads", StringComparison.Ordinal));
        Assert.Contains(figures, f => f.Name == "relative-to-glibc");
    }

    internal static List<string> Annotations(Figure figure)
    {
        using JsonDocument json = JsonDocument.Parse(figure.ToJson());
        return json.RootElement.GetProperty("layout").TryGetProperty("annotations", out JsonElement annotations)
            ? [.. annotations.EnumerateArray().Select(a => System.Net.WebUtility.HtmlDecode(a.GetProperty("text").GetString()!))]
            : [];
    }
}
