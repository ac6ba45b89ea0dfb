namespace Workbench.Cli;

/// <summary>The exit codes of <c>workbench</c>.</summary>
public static class ExitCodes
{
    /// <summary>Success.</summary>
    public const int Ok = 0;

    /// <summary>Something failed while running (not the user's input), or a sweep was interrupted. Failed trials do not fail a sweep: they are recorded.</summary>
    public const int Failure = 1;

    /// <summary>Bad input: unknown name, bad spec, bad option.</summary>
    public const int Usage = 2;
}
