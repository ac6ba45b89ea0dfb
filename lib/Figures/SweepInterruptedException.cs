namespace Workbench.Figures;

/// <summary>
/// A sweep started from a notebook was interrupted (the cell's stop button, Jupyter's interrupt): the trials done so far
/// are kept in the run folder. Its <see cref="ToString"/> is the one line that says so, as the cell's error.
/// </summary>
public sealed class SweepInterruptedException : OperationCanceledException
{
    /// <summary>An interruption with its one-line message.</summary>
    public SweepInterruptedException(string message)
        : base(message)
    {
    }

    /// <summary>An interruption with no message of its own.</summary>
    public SweepInterruptedException()
        : base("the sweep was interrupted")
    {
    }

    /// <summary>An interruption with its cause.</summary>
    public SweepInterruptedException(string message, Exception inner)
        : base(message, inner)
    {
    }

    /// <summary>The message alone: what a notebook cell shows.</summary>
    public override string ToString() => Message;
}
