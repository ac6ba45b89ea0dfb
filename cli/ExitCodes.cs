namespace Workbench.Cli;

/// <summary>The exit codes of <c>workbench</c>.</summary>
public static class ExitCodes
{
    /// <summary>Success.</summary>
    public const int Ok = 0;

    /// <summary>
    /// Something failed while running (not the user's input), a sweep was interrupted, or a trial of the sweep failed or
    /// timed out (it is recorded, the sweep goes on to its end, and then exits with this code, saying how many failed).
    /// </summary>
    public const int Failure = 1;

    /// <summary>Bad input: unknown name, bad spec, bad option.</summary>
    public const int Usage = 2;
}
