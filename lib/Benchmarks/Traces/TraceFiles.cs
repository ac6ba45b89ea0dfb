namespace Workbench.Benchmarks.Traces;

/// <summary>
/// Finds a trace file named by a relative path such as <c>data/traces/sqlite3.trace</c>: as given (from the current
/// directory), else from each folder above the current directory and above this program, so the repository's
/// committed traces are found from any folder inside it and from the test and build output folders.
/// </summary>
public static class TraceFiles
{
    /// <summary>The folder of the committed traces, relative to the repository root.</summary>
    public const string CommittedFolder = "data/traces";

    /// <summary>The existing file that <paramref name="path"/> names, or null.</summary>
    public static string? Resolve(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (File.Exists(path))
        {
            return path;
        }
        if (Path.IsPathRooted(path))
        {
            return null;
        }
        foreach (string start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (DirectoryInfo? folder = new(start); folder is not null; folder = folder.Parent)
            {
                string candidate = Path.Combine(folder.FullName, path);
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }
        }
        return null;
    }
}
