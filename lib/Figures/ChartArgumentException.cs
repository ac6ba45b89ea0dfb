namespace Workbench.Figures;

/// <summary>
/// A figure or notebook helper was asked for something the run does not have (a baseline, benchmark, allocator or
/// configuration): one line naming what was given and the values the run has. Its <see cref="ToString"/> is that line
/// alone, so a notebook shows it as the cell's error with no stack trace or source paths.
/// </summary>
public sealed class ChartArgumentException : ArgumentException
{
    /// <summary>An error with its one-line message.</summary>
    public ChartArgumentException(string message)
        : base(message)
    {
    }

    /// <summary>An error with its one-line message and its cause.</summary>
    public ChartArgumentException(string message, Exception inner)
        : base(message, inner)
    {
    }

    /// <summary>An error with no message of its own (for serializers; use the others).</summary>
    public ChartArgumentException()
        : base("a chart argument is not in the run")
    {
    }

    /// <summary>
    /// <c>unknown baseline 'foo' in run NAME: use one of cfa, glibc</c>; <paramref name="what"/> names the argument
    /// (baseline, benchmark, allocator, configuration), <paramref name="valid"/> the values the run has.
    /// </summary>
    public static ChartArgumentException Unknown(string what, string given, string run, IEnumerable<string> valid)
    {
        string[] values = [.. valid];
        string choices = values.Length == 0 ? "it has none" : $"use one of {string.Join(", ", values)}";
        return new ChartArgumentException($"unknown {what} '{given}' in run {run}: {choices}");
    }

    /// <summary>Throws <see cref="Unknown"/> unless <paramref name="given"/> is one of <paramref name="valid"/>.</summary>
    public static void ThrowIfUnknown(string what, string given, RunData run, IReadOnlyCollection<string> valid)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(valid);
        if (!valid.Contains(given, StringComparer.Ordinal))
        {
            throw Unknown(what, given, run.Name, valid);
        }
    }

    /// <summary>The message alone: what a notebook cell shows.</summary>
    public override string ToString() => Message;
}
