namespace Workbench.Benchmarks.Model;

/// <summary>Bad input from the user: the message is one line that names what is wrong and what to type instead.</summary>
public sealed class UsageException : Exception
{
    /// <summary>A usage error.</summary>
    public UsageException(string message)
        : base(message)
    {
    }

    /// <summary>A usage error with its cause.</summary>
    public UsageException(string message, Exception inner)
        : base(message, inner)
    {
    }

    /// <summary>
    /// The message alone: a usage error is the user's to fix, and its stack trace (with the library's source paths) says
    /// nothing to them. A notebook shows an exception through this, so its error output is the one line.
    /// </summary>
    public override string ToString() => Message;
}
