using System.Globalization;
using Workbench.Benchmarks.Allocators;
using Workbench.Benchmarks.Model;
using Workbench.Benchmarks.Results;

namespace Workbench.Benchmarks.Analysis;

/// <summary>
/// Builds the summary table of a run: rows grouped by benchmark, threads, sizes and knobs, then by
/// allocator; ns per operation (lower is better) summarised, and compared with a baseline allocator.
/// </summary>
public static class SummaryBuilder
{
    /// <summary>
    /// The lines of the summary, in benchmark, configuration and catalogue order. <paramref name="metric"/> is the
    /// column summarised and compared (ns per operation by default; any numeric column such as
    /// <c>speed_malloc_free_ns</c>, <c>peak_rss_kib</c> or <c>malloc_p999_ns</c>, lower taken as better);
    /// rows without it are left out.
    /// </summary>
    public static List<SummaryLine> Build(IReadOnlyList<ResultRow> rows, string baseline, string metric = "ns_per_op")
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(metric);
        List<SummaryLine> lines = [];
        List<string> benchmarkOrder = [.. rows.Select(r => r.Benchmark).Distinct()];
        foreach (string benchmark in benchmarkOrder)
        {
            List<ResultRow> ofBenchmark = [.. rows.Where(r => r.Benchmark == benchmark)];
            foreach (IGrouping<string, ResultRow> configuration in ofBenchmark.GroupBy(ConfigurationKey))
            {
                Dictionary<string, List<ResultRow>> byAllocator = configuration.GroupBy(r => r.Allocator)
                    .ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
                List<ResultRow>? baseRows = byAllocator.GetValueOrDefault(baseline);
                foreach (string allocator in byAllocator.Keys.OrderBy(CatalogueOrder))
                {
                    List<ResultRow> group = byAllocator[allocator];
                    List<double> times = OkValues(group, metric);
                    if (times.Count == 0 && metric != "ns_per_op" && group.Any(r => r.Status == TrialStatus.Ok))
                    {
                        continue; // this benchmark does not report the metric
                    }
                    SampleSummary? time = times.Count > 0 ? Analysis.Describe.Sample(times) : null;
                    Comparison? versus = times.Count > 0 && baseRows is not null && allocator != baseline
                        ? Compare(group, baseRows, metric)
                        : null;
                    List<double> rss = [.. group.Where(r => r.Status == TrialStatus.Ok).Select(r => r.Number("peak_rss_kib")).Where(double.IsFinite)];
                    ResultRow first = group[0];
                    lines.Add(new SummaryLine(
                        benchmark,
                        Label(first),
                        first.Threads,
                        allocator,
                        time,
                        versus,
                        rss.Count > 0 ? Analysis.Describe.Quantile(rss, 0.5) : double.NaN,
                        group.Count(r => r.Status is TrialStatus.Failed or TrialStatus.Timeout),
                        group.Count(r => r.Status == TrialStatus.Skipped),
                        Headline(benchmark, group)));
                }
            }
        }
        return lines;
    }

    /// <summary>
    /// Compares <paramref name="rows"/> with the baseline's rows of the same configuration: pair by pair when at least
    /// two repetitions of both are ok on the same CPU model and no repetition number repeats (a sweep runs each
    /// repetition's allocators back to back), else unpaired. Null when either side has no ok value.
    /// </summary>
    /// <param name="rows">The rows compared.</param>
    /// <param name="baselineRows">The baseline's rows.</param>
    /// <param name="metric">The column.</param>
    /// <param name="scale">A factor applied to the values of <paramref name="rows"/> (not the baseline's) before they are compared.</param>
    public static Comparison? Compare(IReadOnlyList<ResultRow> rows, IReadOnlyList<ResultRow> baselineRows, string metric, double scale = 1)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(baselineRows);
        List<double> mine = [.. OkValues(rows, metric).Select(v => v * scale)];
        List<double> theirs = OkValues(baselineRows, metric);
        if (mine.Count == 0 || theirs.Count == 0)
        {
            return null;
        }
        Dictionary<int, (double Value, string Cpu)>? mineByRepetition = ByRepetition(rows, metric);
        Dictionary<int, (double Value, string Cpu)>? theirsByRepetition = ByRepetition(baselineRows, metric);
        if (mineByRepetition is not null && theirsByRepetition is not null)
        {
            // Trials pair only within one CPU model (a run merged from nodes of several models, HardwareMix).
            List<(double, double)> pairs = [.. mineByRepetition.Keys.Order()
                .Where(r => theirsByRepetition.TryGetValue(r, out var theirs) && theirs.Cpu == mineByRepetition[r].Cpu)
                .Select(r => (mineByRepetition[r].Value * scale, theirsByRepetition[r].Value))];
            if (pairs.Count >= 2)
            {
                return Comparison.OfPairs(pairs);
            }
        }
        return Comparison.Of(mine, theirs);
    }

    /// <summary>The ok values by repetition number with the CPU model each ran on ("" when unknown), or null when a repetition number occurs twice.</summary>
    private static Dictionary<int, (double Value, string Cpu)>? ByRepetition(IEnumerable<ResultRow> rows, string metric)
    {
        Dictionary<int, (double Value, string Cpu)> values = [];
        foreach (ResultRow row in rows.Where(r => r.Status == TrialStatus.Ok))
        {
            double v = row.Number(metric);
            if (double.IsFinite(v) && v > 0 && !values.TryAdd(row.Repetition, (v, row.Text("cpu_model"))))
            {
                return null;
            }
        }
        return values;
    }

    internal static List<double> OkValues(IEnumerable<ResultRow> rows, string metric) =>
        [.. rows.Where(r => r.Status == TrialStatus.Ok).Select(r => r.Number(metric)).Where(v => double.IsFinite(v) && v > 0)];

    internal static string ConfigurationKey(ResultRow row) =>
        string.Join("|", row.Threads.ToString(CultureInfo.InvariantCulture), SizesAndKnobsKey(row));

    /// <summary>A configuration without its thread count: the sizes and the knobs.</summary>
    internal static string SizesAndKnobsKey(ResultRow row) =>
        string.Join("|", row.Sizes, string.Join(",", row.Knobs.Select(k => $"{k.Key}={k.Value}")));

    internal static string Label(ResultRow row) => $"{row.Threads}t {row.Sizes}";

    internal static int CatalogueOrder(string allocator)
    {
        for (int i = 0; i < AllocatorCatalog.All.Count; i++)
        {
            if (AllocatorCatalog.All[i].Name == allocator)
            {
                return i;
            }
        }
        return int.MaxValue;
    }

    private static string Headline(string benchmark, List<ResultRow> rows)
    {
        List<ResultRow> ok = [.. rows.Where(r => r.Status == TrialStatus.Ok)];
        if (ok.Count == 0)
        {
            return "";
        }
        string Median(string column, string format)
        {
            List<double> values = [.. ok.Select(r => r.Number(column)).Where(double.IsFinite)];
            return values.Count == 0 ? "-" : Analysis.Describe.Quantile(values, 0.5).ToString(format, CultureInfo.InvariantCulture);
        }
        return benchmark switch
        {
            "latency" => $"malloc p50/p99/p99.9/max {Median("malloc_p50_ns", "0")}/{Median("malloc_p99_ns", "0")}/{Median("malloc_p999_ns", "0")}/{Median("malloc_max_ns", "0")} ns",
            "memory" => $"overhead {Median("overhead_kib", "0")} KiB over {Median("peak_requested_kib", "0")} KiB asked",
            "mleak" => $"RSS growth {Median("rss_growth_kib", "0")} KiB",
            "async" => $"remote frees {Median("remote_free_fraction", "0.00")} of all",
            "security" => $"probes detected/crashed/silent {Median("probes_detected", "0")}/{Median("probes_crashed", "0")}/{Median("probes_silent", "0")}"
                + (ok.Any(r => double.IsFinite(r.Number("checked_probes_detected"))) ? $", checked mode {Median("checked_probes_detected", "0")}/{Median("checked_probes_crashed", "0")}/{Median("checked_probes_silent", "0")}" : ""),
            "speed" => $"malloc+free {Median("speed_malloc_free_ns", "0.0")} ns/call",
            "trace-replay" => $"overhead {Median("overhead_kib", "0")} KiB (mean {Median("mean_overhead_kib", "0")}) over {Median("peak_requested_kib", "0")} KiB asked",
            _ => "",
        };
    }
}
