namespace Workbench.Benchmarks.Traces;

/// <summary>
/// A trace file that is not a trace, is truncated or is corrupted. The message names the file, the byte offset
/// where the problem was found and what to do instead.
/// </summary>
public sealed class TraceFormatException : FormatException
{
    /// <summary>An error at <paramref name="offset"/> of the file <paramref name="file"/>.</summary>
    public TraceFormatException(string file, long offset, string problem)
        : base($"trace '{file}' is unreadable at byte offset {offset}: {problem}; record or import it again (workbench trace import FILE.raw.zst -o FILE.trace)")
    {
        File = file;
        Offset = offset;
    }

    /// <summary>The file (as it was named when opened).</summary>
    public string File { get; }

    /// <summary>The byte offset in the file where the problem was found.</summary>
    public long Offset { get; }
}
