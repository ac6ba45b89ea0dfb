using Workbench.Benchmarks.Results;

namespace Workbench.Figures.Shaping;

/// <summary>What the speed-routines figure draws: per allocator, the time per call of each routine of the speed benchmark.</summary>
/// <param name="Threads">The thread count drawn.</param>
/// <param name="Routines">Every routine's label, in the order of the axis.</param>
/// <param name="Series">The allocators with a time, in catalogue order; each one's routines (those timed, in axis order) as
/// the median nanoseconds per call over the repetitions with their range.</param>
public sealed record SpeedRoutinesData(int Threads, IReadOnlyList<string> Routines, IReadOnlyList<AllocatorSeries<MedianRange>> Series)
{
    /// <summary>The column of each routine's nanoseconds per call and its label.</summary>
    private static readonly (string Column, string Label)[] Columns =
    [
        ("speed_malloc_free_ns", "malloc+free"), ("speed_batch_ns", "batch"), ("speed_calloc_free_ns", "calloc+free"),
        ("speed_realloc_grow_ns", "realloc grow"), ("speed_realloc_shrink_ns", "realloc shrink"), ("speed_aligned_free_ns", "aligned+free"),
    ];

    /// <summary>
    /// The speed rows at <paramref name="threads"/> (the fewest threads when null). Null when the run has no speed rows
    /// or no allocator timed a routine at that thread count.
    /// </summary>
    public static SpeedRoutinesData? From(RunData run, int? threads = null)
    {
        if (RowsAt(run, threads) is not (int t, List<ResultRow> rows))
        {
            return null;
        }
        List<AllocatorSeries<MedianRange>> series = [];
        foreach (string allocator in AllocatorColors.InCatalogueOrder(rows.Select(r => r.Allocator)))
        {
            List<MedianRange> routines = [];
            foreach ((string column, string label) in Columns)
            {
                List<double> values = FiniteValues.Of(rows.Where(r => r.Allocator == allocator), column);
                if (values.Count > 0)
                {
                    routines.Add(MedianRange.Of(label, values));
                }
            }
            if (routines.Count > 0)
            {
                series.Add(new AllocatorSeries<MedianRange>(allocator, routines));
            }
        }
        return series.Count == 0 ? null : new SpeedRoutinesData(t, [.. Columns.Select(c => c.Label)], series);
    }

    /// <summary>The speed rows at <paramref name="threads"/> (the fewest threads when null) and that count; null when the run has no speed rows.</summary>
    internal static (int Threads, List<ResultRow> Rows)? RowsAt(RunData run, int? threads)
    {
        ArgumentNullException.ThrowIfNull(run);
        List<ResultRow> rows = [.. run.Of("speed")];
        if (rows.Count == 0)
        {
            return null;
        }
        int t = threads ?? rows.Min(r => r.Threads);
        return (t, [.. rows.Where(r => r.Threads == t)]);
    }
}
