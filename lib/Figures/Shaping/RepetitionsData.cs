using Workbench.Benchmarks.Results;

namespace Workbench.Figures.Shaping;

/// <summary>What the repetitions figure draws: every repetition's time per operation, per allocator and thread count.</summary>
/// <param name="Benchmark">The benchmark.</param>
/// <param name="Configuration">The configuration drawn.</param>
/// <param name="Series">The allocators with a time, in catalogue order; each one's repetitions by thread count, ascending
/// (repetitions at the same thread count in the order of the rows).</param>
public sealed record RepetitionsData(string Benchmark, string Configuration, IReadOnlyList<AllocatorSeries<RepetitionTime>> Series)
{
    /// <summary>
    /// The repetitions of one configuration of the benchmark (its first unless <paramref name="configuration"/> names
    /// another). Null when the run has no rows of the benchmark.
    /// </summary>
    public static RepetitionsData? From(RunData run, string benchmark, string? configuration = null)
    {
        ArgumentNullException.ThrowIfNull(run);
        List<ResultRow> rows = [.. run.Of(benchmark)];
        if (rows.Count == 0)
        {
            return null;
        }
        configuration ??= RunData.ConfigurationOf(rows[0]);
        rows = [.. rows.Where(r => RunData.ConfigurationOf(r) == configuration && double.IsFinite(r.Number("ns_per_op")))];
        List<AllocatorSeries<RepetitionTime>> series = [.. AllocatorColors.InCatalogueOrder(rows.Select(r => r.Allocator))
            .Select(allocator => new AllocatorSeries<RepetitionTime>(allocator, [.. rows.Where(r => r.Allocator == allocator)
                .OrderBy(r => r.Threads)
                .Select(r => new RepetitionTime(r.Threads, r.Number("ns_per_op")))]))];
        return new RepetitionsData(benchmark, configuration, series);
    }
}
