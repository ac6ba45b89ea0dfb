using System.Globalization;
using Workbench.Benchmarks.Model;

namespace Workbench.Benchmarks.Results;

/// <summary>One row of <c>results.csv</c>, by column name.</summary>
public sealed class ResultRow
{
    /// <summary>
    /// A row from named values, of which the <paramref name="knobColumns"/> are knobs (a column is named by its knob's name);
    /// <paramref name="origin"/> is where it was read (<c>FILE:LINE</c>), named in errors about its values.
    /// </summary>
    public ResultRow(IReadOnlyDictionary<string, string> values, IEnumerable<string> knobColumns, string origin = "")
    {
        Origin = origin ?? "";
        ArgumentNullException.ThrowIfNull(values);
        ArgumentNullException.ThrowIfNull(knobColumns);
        Values = values;
        KnobColumns = [.. knobColumns];
        Knobs = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (string knob in KnobColumns)
        {
            if (values.TryGetValue(knob, out string? text) && long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out long v))
            {
                Knobs[knob] = v;
            }
        }
    }

    /// <summary>Where the row was read, <c>FILE:LINE</c>; empty for a row made in memory.</summary>
    public string Origin { get; }

    /// <summary>Every value by column.</summary>
    public IReadOnlyDictionary<string, string> Values { get; }

    /// <summary>The columns that are knobs (as the row's file or trial has them; some may have no value in this row).</summary>
    public IReadOnlyList<string> KnobColumns { get; }

    /// <summary>The knobs that have a value in this row.</summary>
    public SortedDictionary<string, long> Knobs { get; }

    /// <summary>The benchmark.</summary>
    public string Benchmark => Text("benchmark");

    /// <summary>The allocator.</summary>
    public string Allocator => Text("allocator");

    /// <summary>Threads.</summary>
    public int Threads => (int)Number("threads");

    /// <summary>The size spec.</summary>
    public string Sizes => Text("sizes");

    /// <summary>The repetition.</summary>
    public int Repetition => (int)Number("repetition");

    /// <summary>The status.</summary>
    /// <exception cref="FormatException">The status column is none of ok, failed, timeout, skipped; the message names <see cref="Origin"/>.</exception>
    public TrialStatus Status => TrialStatusText.TryParse(Text("status"), out TrialStatus status)
        ? status
        : throw new FormatException((Origin.Length > 0 ? Origin + ": " : "") + TrialStatusText.Unknown(Text("status")));

    /// <summary>The identity compared by a resumed sweep.</summary>
    public string Key => TrialSpec.MakeKey(Benchmark, Allocator, Threads, Sizes, Repetition, Knobs);

    /// <summary>The trial's name in file names and in <c>series.csv</c> (<see cref="TrialSpec.FileName"/>).</summary>
    public string TrialName => new TrialSpec { Benchmark = Benchmark, Allocator = Allocator, Threads = Threads, Sizes = Sizes, Repetition = Repetition, Knobs = Knobs }.FileName;

    /// <summary>A column's text ("" when absent).</summary>
    public string Text(string column) => Values.TryGetValue(column, out string? v) ? v : "";

    /// <summary>A column's number (NaN when absent or empty).</summary>
    public double Number(string column) =>
        double.TryParse(Text(column), NumberStyles.Float, CultureInfo.InvariantCulture, out double v) ? v : double.NaN;
}
