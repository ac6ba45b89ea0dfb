using Workbench.Benchmarks.Results;

namespace Workbench.Figures.Shaping;

/// <summary>What the size x threads heatmap draws: one allocator's value in every cell of size distribution and thread count.</summary>
/// <param name="Benchmark">The benchmark.</param>
/// <param name="Allocator">The allocator drawn.</param>
/// <param name="Baseline">The allocator the values are relative to, or null when they are times per operation.</param>
/// <param name="Sizes">The size distributions (rows), in the order the rows first name them.</param>
/// <param name="Threads">The thread counts (columns), ascending.</param>
/// <param name="Values">Per size and thread count: the allocator's mean time per operation (ns) or, relative, that mean
/// over the baseline's; NaN where either has no value.</param>
public sealed record SizeThreadsHeatmapData(
    string Benchmark,
    string Allocator,
    string? Baseline,
    IReadOnlyList<string> Sizes,
    IReadOnlyList<int> Threads,
    IReadOnlyList<IReadOnlyList<double>> Values)
{
    /// <summary>Whether the values are ratios to <see cref="Baseline"/>.</summary>
    public bool Relative => Baseline is not null;

    /// <summary>
    /// The cells of <paramref name="benchmark"/> for <paramref name="allocator"/>; relative to <paramref name="baseline"/> when
    /// it is another allocator that ran the benchmark. Null when the allocator did not run it or there are fewer than two cells.
    /// </summary>
    public static SizeThreadsHeatmapData? From(RunData run, string benchmark, string allocator, string? baseline = null)
    {
        ArgumentNullException.ThrowIfNull(run);
        List<ResultRow> rows = [.. run.Of(benchmark)];
        List<string> sizes = [.. rows.Select(r => r.Sizes).Distinct(StringComparer.Ordinal)];
        List<int> threadCounts = [.. rows.Select(r => r.Threads).Distinct().Order()];
        if (!rows.Any(r => r.Allocator == allocator) || sizes.Count * threadCounts.Count < 2)
        {
            return null;
        }
        bool relative = baseline is not null && baseline != allocator && rows.Any(r => r.Allocator == baseline);
        double[][] values = [.. sizes.Select(size => threadCounts.Select(threads =>
        {
            List<ResultRow> cell = [.. rows.Where(r => r.Sizes == size && r.Threads == threads)];
            List<double> mine = FiniteValues.Of(cell.Where(r => r.Allocator == allocator), "ns_per_op");
            if (mine.Count == 0)
            {
                return double.NaN;
            }
            if (!relative)
            {
                return mine.Average();
            }
            List<double> theirs = FiniteValues.Of(cell.Where(r => r.Allocator == baseline), "ns_per_op");
            return theirs.Count > 0 ? mine.Average() / theirs.Average() : double.NaN;
        }).ToArray())];
        return new SizeThreadsHeatmapData(benchmark, allocator, relative ? baseline : null, sizes, threadCounts, values);
    }
}
