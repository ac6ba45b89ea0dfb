namespace Workbench.Benchmarks.Sizes;

/// <summary>A size-distribution spec that cannot be parsed; the message says what to write instead.</summary>
public sealed class SizeSpecException : FormatException
{
    /// <summary>The accepted forms, for error messages.</summary>
    public const string Forms =
        "fixed:N, uniform:A-B, loguniform:A-B, pow2:A-B, geometric[:A-B[:MEAN]], pareto[:A-B[:ALPHA]], invsquare[:A-B], lineardrop:A-B, file:PATH, trace:PATH or program:NAME";

    /// <summary>A spec error with a message that names what is wrong.</summary>
    public SizeSpecException(string message)
        : base(message)
    {
    }
}
