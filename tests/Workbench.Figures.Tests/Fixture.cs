using System.Globalization;
using Workbench.Benchmarks.Results;
using Workbench.Figures;

namespace Workbench.Figures.Tests;

/// <summary>
/// A small run made in memory with known numbers: three allocators (cfa, glibc, jemalloc), three
/// repetitions each, churn over 1 and 2 threads and two size specs, cache-thrash, latency, memory with a
/// series per trial written to a temporary run folder.
/// </summary>
internal sealed class Fixture : IDisposable
{
    public static readonly string[] Allocators = ["cfa", "glibc", "jemalloc"];

    // ns/op by allocator at 1 thread: cfa is exactly half of glibc, jemalloc three quarters.
    public static readonly Dictionary<string, double> BaseNs = new() { ["cfa"] = 50, ["glibc"] = 100, ["jemalloc"] = 75 };

    private static readonly double[] Jitter = [-2, 0, 2];

    public Fixture()
    {
        Directory = System.IO.Directory.CreateTempSubdirectory("figures-fixture-").FullName;
        List<ResultRow> rows = [];
        foreach (string allocator in Allocators)
        {
            for (int rep = 1; rep <= 3; rep++)
            {
                foreach (int threads in new[] { 1, 2 })
                {
                    foreach (string sizes in new[] { "uniform:16-1024", "fixed:64" })
                    {
                        double ns = BaseNs[allocator] * (sizes == "fixed:64" ? 0.5 : 1) / threads * (1 + Jitter[rep - 1] / 100);
                        rows.Add(Row("churn", allocator, threads, sizes, rep, ns, 1_000_000 * threads, new() { ["iterations"] = "1000000" }));
                    }
                    double elapsed = BaseNs[allocator] * 1e-3 / (threads == 1 ? 1 : allocator == "cfa" ? 1.9 : 1.2) * (1 + Jitter[rep - 1] / 100);
                    rows.Add(Row("cache-thrash", allocator, threads, "fixed:1", rep, elapsed * 1e9 / 1e6, 1_000_000, new(), elapsed));
                }
                Dictionary<string, string> latency = new();
                foreach ((string p, double v) in new[] { ("p50", 40.0), ("p90", 60.0), ("p99", 200.0), ("p999", 1500.0), ("max", 90000.0) })
                {
                    latency[$"malloc_{p}_ns"] = (v * BaseNs[allocator] / 100 + rep).ToString(CultureInfo.InvariantCulture);
                    latency[$"free_{p}_ns"] = (v * 0.8 * BaseNs[allocator] / 100 + rep).ToString(CultureInfo.InvariantCulture);
                }
                rows.Add(Row("latency", allocator, 1, "uniform:16-1024", rep, 80, 100_000, latency));
                Dictionary<string, string> speed = new() { ["calls"] = "50000" };
                foreach ((string routine, double ns) in new[] { ("malloc_free", 20.0), ("batch", 15.0), ("calloc_free", 30.0), ("realloc_grow", 60.0), ("realloc_shrink", 25.0), ("aligned_free", 40.0) })
                {
                    speed[$"speed_{routine}_ns"] = (ns * BaseNs[allocator] / 100 + rep).ToString(CultureInfo.InvariantCulture);
                }
                // The thesis's routines and chains over a size range (16 and 1040 bytes): twice as long at the larger size.
                foreach ((string name, double ns) in new[] { ("malloc", 10.0), ("free", 8.0), ("chain_malloc_free", 18.0), ("tight", 5.0) })
                {
                    foreach (int size in new[] { 16, 1040 })
                    {
                        speed[$"speed_{name}_ns_at_{size}"] = (ns * (size == 16 ? 1 : 2) * BaseNs[allocator] / 100 + rep).ToString(CultureInfo.InvariantCulture);
                    }
                }
                rows.Add(Row("speed", allocator, 1, "fixed:64", rep, 30, 300_000, speed));
                ResultRow memory = Row("memory", allocator, 2, "uniform:16-4096", rep, 300, 10_000, new()
                {
                    ["rounds"] = "5",
                    ["peak_allocator_kib"] = (200 * BaseNs[allocator] + rep).ToString(CultureInfo.InvariantCulture),
                });
                rows.Add(memory);
                WriteSeries(memory, allocator);
            }
        }
        Run = RunData.FromRows("fixture", rows, Directory);
        // The same rows as a run folder on disk (results.csv beside series.csv), as a sweep writes it.
        ResultsFile file = new(Path.Combine(Directory, "results.csv"));
        foreach (ResultRow row in rows)
        {
            file.Append(row);
        }
    }

    public string Directory { get; }

    public RunData Run { get; }

    private void WriteSeries(ResultRow row, string allocator)
    {
        string path = Path.Combine(Directory, SeriesFile.FileName);
        List<string> lines = File.Exists(path) ? [] : [SeriesFile.Header];
        string trial = row.TrialName;
        for (int i = 0; i <= 20; i++)
        {
            double seconds = i * 0.01;
            long rss = 40_000 + (long)(i * 1000 * BaseNs[allocator] / 50);
            // Heap and mmap over the baseline (the workload's own samples measure them): 100 KiB of heap per step, the rest mmap.
            long heap = i * 100;
            long mmap = rss - 40_000 - heap;
            lines.Add(string.Create(CultureInfo.InvariantCulture, $"{trial},{seconds},{rss},{i * 500_000},workload,{heap},{mmap}"));
            lines.Add(string.Create(CultureInfo.InvariantCulture, $"{trial},{seconds + 0.005},{rss + 10},-1,sampler"));
        }
        File.AppendAllLines(path, lines);
    }

    private static ResultRow Row(string benchmark, string allocator, int threads, string sizes, int repetition, double nsPerOp, long ops,
        Dictionary<string, string> extra, double? elapsed = null)
    {
        double seconds = elapsed ?? nsPerOp * ops / 1e9;
        Dictionary<string, string> values = new(StringComparer.Ordinal)
        {
            ["benchmark"] = benchmark,
            ["allocator"] = allocator,
            ["threads"] = threads.ToString(CultureInfo.InvariantCulture),
            ["sizes"] = sizes,
            ["repetition"] = repetition.ToString(CultureInfo.InvariantCulture),
            ["status"] = "ok",
            ["elapsed_s"] = seconds.ToString("R", CultureInfo.InvariantCulture),
            ["ops"] = ops.ToString(CultureInfo.InvariantCulture),
            ["ns_per_op"] = nsPerOp.ToString("R", CultureInfo.InvariantCulture),
            ["ops_per_s"] = (ops / seconds).ToString("R", CultureInfo.InvariantCulture),
            ["peak_rss_kib"] = "50000",
        };
        List<string> knobs = [];
        foreach ((string key, string value) in extra)
        {
            values[key] = value;
            if (!key.EndsWith("_ns", StringComparison.Ordinal) && !key.EndsWith("_kib", StringComparison.Ordinal) && !key.Contains("_ns_at_", StringComparison.Ordinal))
            {
                knobs.Add(key);
            }
        }
        return new ResultRow(values, knobs);
    }

    public void Dispose()
    {
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
