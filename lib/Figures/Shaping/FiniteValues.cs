using Workbench.Benchmarks.Results;

namespace Workbench.Figures.Shaping;

/// <summary>The sample a chart summarises: one column of some rows, scaled, with absent and non-finite cells left out.</summary>
internal static class FiniteValues
{
    internal static List<double> Of(IEnumerable<ResultRow> rows, string column, double scale = 1) =>
        [.. rows.Select(r => r.Number(column) * scale).Where(double.IsFinite)];
}
