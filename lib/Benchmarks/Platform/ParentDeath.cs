using System.Globalization;

namespace Workbench.Benchmarks.Platform;

/// <summary>
/// Ties a child process's life to its parent's: the kernel kills the child (SIGKILL) the moment the parent dies, by
/// whatever death, SIGKILL included (<c>prctl(PR_SET_PDEATHSIG)</c>). The parent names itself in
/// <see cref="ParentVariable"/>; the child calls <see cref="TieToParent"/> first thing, and ends at once if its parent
/// is already gone (it died between the fork and the tie, so the signal will never come).
/// </summary>
/// <remarks>
/// The kernel sends the signal when the thread that started the child ends, not only the process: the parent must start
/// the child from a thread that outlives it. <c>TrialLauncher</c> and <c>ProgramRunner</c> start each process from the
/// thread that then waits for it to end, so this holds.
/// </remarks>
public static class ParentDeath
{
    /// <summary>The variable in which a parent gives its process id to the child it starts.</summary>
    public const string ParentVariable = "WORKBENCH_TRIAL_PARENT";

    /// <summary>
    /// A command that runs <c>PROGRAM ARGS...</c> killed when its parent dies, for a program that cannot tie itself:
    /// util-linux's <c>setpriv --pdeathsig KILL</c>, which sets the signal and then replaces itself with the program
    /// (the setting survives exec), so the program is the same process with no wrapper left around it.
    /// </summary>
    public static readonly IReadOnlyList<string> TiedPrefix = [SetprivProgram, "--pdeathsig", "KILL"];

    /// <summary>util-linux's setpriv (an essential Debian package).</summary>
    public const string SetprivProgram = "/usr/bin/setpriv";

    private const int PrSetPdeathsig = 1;
    private const int Sigkill = 9;

    /// <summary>
    /// Asks for SIGKILL when the parent dies, when <see cref="ParentVariable"/> names the parent; returns false when
    /// that parent is already gone (the caller must then exit), true otherwise (tied, or not started by a runner).
    /// </summary>
    public static bool TieToParent()
    {
        if (!int.TryParse(Environment.GetEnvironmentVariable(ParentVariable), NumberStyles.None, CultureInfo.InvariantCulture, out int parent))
        {
            return true;
        }
        if (NativeMethods.Prctl(PrSetPdeathsig, Sigkill, 0, 0, 0) != 0)
        {
            return true;
        }
        // The parent may have died before the tie: then the signal never comes, and this process is reparented.
        return NativeMethods.GetParentProcessId() == parent;
    }
}
