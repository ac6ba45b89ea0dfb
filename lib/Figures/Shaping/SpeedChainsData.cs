using System.Globalization;
using System.Text.RegularExpressions;
using Workbench.Benchmarks.Results;

namespace Workbench.Figures.Shaping;

/// <summary>
/// What the thesis's speed figure draws: per size, per allocator, the time of each routine alone, each chain and the
/// tight malloc-write-free pair, as the median over the repetitions with its range.
/// </summary>
/// <param name="Threads">The thread count drawn.</param>
/// <param name="Labels">Every routine's and chain's label, in the order of the axis.</param>
/// <param name="Panels">One per size (a size of the run's range, or a size spec), in ascending order of size.</param>
public sealed partial record SpeedChainsData(int Threads, IReadOnlyList<string> Labels, IReadOnlyList<SpeedPanel> Panels)
{
    /// <summary>The metric name of each routine, chain and the tight pair (<c>speed_NAME_ns</c>) and its label.</summary>
    public static IReadOnlyList<(string Name, string Label)> Names { get; } =
    [
        ("malloc", "malloc"), ("free", "free"), ("calloc", "calloc"), ("realloc", "realloc"),
        ("chain_malloc_free", "malloc-free"), ("chain_calloc_free", "calloc-free"), ("chain_realloc_free", "realloc-free"),
        ("chain_malloc_realloc_free", "malloc-realloc-free"), ("chain_calloc_realloc_free", "calloc-realloc-free"),
        ("chain_malloc_realloc_free_calloc", "malloc-realloc-free-calloc"), ("tight", "tight malloc-write-free"),
    ];

    /// <summary>
    /// The speed rows at <paramref name="threads"/> (the fewest when null): per size of the run's range
    /// (<c>speed_NAME_ns_at_SIZE</c>) where the rows have one, else per size spec (<c>speed_NAME_ns</c>). Null when no
    /// allocator timed a routine or chain there.
    /// </summary>
    public static SpeedChainsData? From(RunData run, int? threads = null)
    {
        if (SpeedRoutinesData.RowsAt(run, threads) is not (int t, List<ResultRow> rows))
        {
            return null;
        }
        List<long> rangeSizes = [.. rows.SelectMany(r => r.Values.Keys).Select(k => AtSize().Match(k)).Where(m => m.Success)
            .Select(m => long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)).Distinct().Order()];
        List<SpeedPanel> panels = [];
        if (rangeSizes.Count > 0)
        {
            foreach (long size in rangeSizes)
            {
                AddPanel(panels, $"{size} B", rows, name => $"speed_{name}_ns_at_{size}");
            }
        }
        else
        {
            List<string> configurations = [.. rows.Select(RunData.ConfigurationOf).Distinct(StringComparer.Ordinal)];
            IReadOnlyList<string> titles = RunData.ShortConfigurationNames(configurations);
            for (int i = 0; i < configurations.Count; i++)
            {
                AddPanel(panels, titles[i], [.. rows.Where(r => RunData.ConfigurationOf(r) == configurations[i])], name => $"speed_{name}_ns");
            }
        }
        return panels.Count == 0 ? null : new SpeedChainsData(t, [.. Names.Select(n => n.Label)], panels);
    }

    private static void AddPanel(List<SpeedPanel> panels, string title, IReadOnlyList<ResultRow> rows, Func<string, string> column)
    {
        List<AllocatorSeries<MedianRange>> series = [];
        foreach (string allocator in AllocatorColors.InCatalogueOrder(rows.Select(r => r.Allocator)))
        {
            List<MedianRange> values = [];
            foreach ((string name, string label) in Names)
            {
                List<double> sample = FiniteValues.Of(rows.Where(r => r.Allocator == allocator), column(name));
                if (sample.Count > 0)
                {
                    values.Add(MedianRange.Of(label, sample));
                }
            }
            if (values.Count > 0)
            {
                series.Add(new AllocatorSeries<MedianRange>(allocator, values));
            }
        }
        if (series.Count > 0)
        {
            panels.Add(new SpeedPanel(title, series));
        }
    }

    [GeneratedRegex(@"^speed_.+_ns_at_(\d+)$")]
    private static partial Regex AtSize();
}

/// <summary>One size's panel of the thesis's speed figure.</summary>
/// <param name="Title">The size (<c>64 B</c>) or the size spec's short name.</param>
/// <param name="Series">The allocators with a time there, in catalogue order.</param>
public sealed record SpeedPanel(string Title, IReadOnlyList<AllocatorSeries<MedianRange>> Series);
