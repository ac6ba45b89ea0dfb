namespace Workbench.Cli.Slurm;

/// <summary>
/// How a Slurm job starts this workbench program again: <c>WORKBENCH_CLI</c> when set, else the apphost next to this
/// assembly (<c>workbench</c>), else <c>dotnet workbench.dll</c>. The paths are absolute: a job starts in another
/// process tree, and on a cluster on another node, which must see the same files (a shared file system).
/// </summary>
public static class WorkbenchProgram
{
    /// <summary>The program and the arguments before the command, each a word of a shell command line (unquoted).</summary>
    public static IReadOnlyList<string> CommandPrefix()
    {
        string? named = Environment.GetEnvironmentVariable("WORKBENCH_CLI");
        if (!string.IsNullOrWhiteSpace(named) && File.Exists(named))
        {
            return [Path.GetFullPath(named)];
        }
        string assembly = typeof(WorkbenchProgram).Assembly.Location;
        string apphost = Path.Combine(Path.GetDirectoryName(assembly) ?? ".", "workbench");
        if (File.Exists(apphost))
        {
            return [apphost];
        }
        string dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host
            : Environment.ProcessPath is { } process && Path.GetFileNameWithoutExtension(process) == "dotnet" ? process : "dotnet";
        return [dotnet, assembly];
    }

    /// <summary>A word quoted for a POSIX shell.</summary>
    public static string Quote(string word)
    {
        ArgumentNullException.ThrowIfNull(word);
        return "'" + word.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
    }
}
