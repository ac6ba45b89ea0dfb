namespace Workbench.Figures;

/// <summary>
/// A chart was asked for something the run does not hold: a baseline, benchmark, allocator, operation, thread count or
/// configuration that is not in it. The message is one line naming the wrong value and listing the valid ones
/// (<c>baseline 'foo' is not in run 'quick': choose one of glibc, cfa, jemalloc</c>), worded for a notebook cell as for the
/// command line (which names its own option in front of it). <see cref="What"/>, <see cref="Value"/> and
/// <see cref="Valid"/> carry the same facts for a caller that words them itself.
/// </summary>
public sealed class ChartInputException : ArgumentException
{
    /// <summary>An error for <paramref name="value"/>, a <paramref name="what"/> (e.g. <c>baseline</c>) that the run named <paramref name="run"/> lacks.</summary>
    public ChartInputException(string what, string value, string run, IReadOnlyList<string> valid)
        : base(Describe(what, value, run, valid))
    {
        What = what;
        Value = value;
        Valid = valid;
    }

    /// <summary>What kind of value was wrong: <c>baseline</c>, <c>benchmark</c>, <c>allocator</c>, <c>configuration</c>, ...</summary>
    public string What { get; }

    /// <summary>The value given.</summary>
    public string Value { get; }

    /// <summary>The values the run holds, in the order the run lists them.</summary>
    public IReadOnlyList<string> Valid { get; }

    /// <summary>Throws when <paramref name="value"/> is not one of <paramref name="valid"/>.</summary>
    /// <exception cref="ChartInputException"><paramref name="value"/> is not among <paramref name="valid"/>.</exception>
    public static void ThrowIfNotIn(string what, string value, RunData run, IReadOnlyList<string> valid)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(valid);
        if (!valid.Contains(value, StringComparer.Ordinal))
        {
            throw new ChartInputException(what, value, run.Name, valid);
        }
    }

    /// <summary>The message alone: what a notebook cell shows (no stack trace, no source paths).</summary>
    public override string ToString() => Message;

    private static string Describe(string what, string value, string run, IReadOnlyList<string> valid) =>
        valid.Count == 0
            ? $"{what} '{value}' is not in run '{run}': it has no {what} to choose from"
            : $"{what} '{value}' is not in run '{run}': choose one of {string.Join(", ", valid.Select(v => v.Contains(' ', StringComparison.Ordinal) ? $"'{v}'" : v))}";
}
