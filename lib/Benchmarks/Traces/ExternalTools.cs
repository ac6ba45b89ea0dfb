namespace Workbench.Benchmarks.Traces;

/// <summary>Finds the outside programs that trace recording and import use (heaptrack, zstd) on the PATH.</summary>
public static class ExternalTools
{
    /// <summary>The full path of <paramref name="program"/> found on the PATH, or null.</summary>
    public static string? Find(string program)
    {
        ArgumentException.ThrowIfNullOrEmpty(program);
        if (program.Contains('/', StringComparison.Ordinal))
        {
            return File.Exists(program) ? program : null;
        }
        foreach (string directory in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            string candidate = Path.Combine(directory, program);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }
        return null;
    }

    /// <summary>The path of <paramref name="program"/>, or a <see cref="TraceToolException"/> naming its Debian package.</summary>
    public static string Require(string program, string package, string purpose) =>
        Find(program) ?? throw new TraceToolException(
            $"{program} is not installed, and {purpose} needs it: install the Debian package {package} (apt-get install {package}, or run bash scripts/setup-traces.sh as root)");
}
