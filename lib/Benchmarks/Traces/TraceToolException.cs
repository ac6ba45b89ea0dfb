namespace Workbench.Benchmarks.Traces;

/// <summary>
/// An outside program that trace recording or import needs (heaptrack, zstd) is missing or failed; the message is one
/// line that names the program, its Debian package and what to type.
/// </summary>
public sealed class TraceToolException : Exception
{
    /// <summary>An error with a one-line message.</summary>
    public TraceToolException(string message)
        : base(message)
    {
    }

    /// <summary>An error with a one-line message and its cause.</summary>
    public TraceToolException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
