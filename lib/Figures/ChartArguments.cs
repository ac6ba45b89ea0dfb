using System.Globalization;

namespace Workbench.Figures;

/// <summary>
/// The checks a chart call makes on what it is asked for before drawing: each value named must be in the run, else a
/// <see cref="ChartInputException"/> lists the values the run holds. A chart that is asked for something the run holds
/// but has nothing to draw there still returns null.
/// </summary>
internal static class ChartArguments
{
    /// <summary>The two timed operations of the latency benchmark.</summary>
    internal static readonly IReadOnlyList<string> LatencyOperations = ["malloc", "free"];

    internal static void Allocator(RunData run, string allocator, string what = "allocator") =>
        ChartInputException.ThrowIfNotIn(what, allocator, run, run.Allocators);

    internal static void Benchmark(RunData run, string benchmark) =>
        ChartInputException.ThrowIfNotIn("benchmark", benchmark, run, run.Benchmarks);

    /// <summary>A thread count the benchmark (every benchmark when null) ran at, when one is given.</summary>
    internal static void Threads(RunData run, int? threads, string? benchmark = null)
    {
        if (threads is { } t)
        {
            IEnumerable<int> counts = (benchmark is null ? run.Ok : run.Of(benchmark)).Select(r => r.Threads).Distinct().Order();
            ChartInputException.ThrowIfNotIn("thread count", t.ToString(CultureInfo.InvariantCulture), run,
                [.. counts.Select(c => c.ToString(CultureInfo.InvariantCulture))]);
        }
    }

    /// <summary>A configuration (<see cref="RunData.ConfigurationOf"/>) of the benchmark, when one is given.</summary>
    internal static void Configuration(RunData run, string benchmark, string? configuration)
    {
        if (configuration is not null)
        {
            ChartInputException.ThrowIfNotIn("configuration", configuration, run, run.Configurations(benchmark));
        }
    }

    internal static void Operation(RunData run, string operation) =>
        ChartInputException.ThrowIfNotIn("operation", operation, run, LatencyOperations);

    /// <summary>A numeric column that some ok row holds.</summary>
    internal static void Metric(RunData run, string metric) =>
        ChartInputException.ThrowIfNotIn("metric", metric, run,
            [.. run.Ok.SelectMany(r => r.Values.Keys).Distinct(StringComparer.Ordinal).Where(c => run.Ok.Any(r => double.IsFinite(r.Number(c))))]);
}
