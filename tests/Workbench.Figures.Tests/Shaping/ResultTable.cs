using System.Globalization;
using Workbench.Benchmarks.Results;
using Workbench.Figures;

namespace Workbench.Figures.Tests.Shaping;

/// <summary>A results table written row by row in a test, with only the columns the test names.</summary>
internal sealed class ResultTable
{
    private readonly List<ResultRow> _rows = [];

    /// <summary>
    /// Adds one trial: its identity, its numeric columns (a column left out is missing data), and optionally its size
    /// spec, status and knobs.
    /// </summary>
    public ResultTable Add(string benchmark, string allocator, int threads, int repetition, Dictionary<string, double> numbers,
        string sizes = "fixed:64", string status = "ok", Dictionary<string, long>? knobs = null)
    {
        Dictionary<string, string> values = new(StringComparer.Ordinal)
        {
            ["benchmark"] = benchmark,
            ["allocator"] = allocator,
            ["threads"] = threads.ToString(CultureInfo.InvariantCulture),
            ["sizes"] = sizes,
            ["repetition"] = repetition.ToString(CultureInfo.InvariantCulture),
            ["status"] = status,
        };
        foreach ((string column, double value) in numbers)
        {
            values[column] = value.ToString("R", CultureInfo.InvariantCulture);
        }
        foreach ((string knob, long value) in knobs ?? [])
        {
            values[knob] = value.ToString(CultureInfo.InvariantCulture);
        }
        _rows.Add(new ResultRow(values, knobs?.Keys ?? Enumerable.Empty<string>()));
        return this;
    }

    /// <summary>The rows added so far.</summary>
    public IReadOnlyList<ResultRow> Rows => _rows;

    /// <summary>The table as a run (its memory series read from <paramref name="directory"/> when given).</summary>
    public RunData Run(string? directory = null) => RunData.FromRows("test", _rows, directory);
}
