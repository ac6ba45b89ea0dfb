namespace Workbench.Benchmarks.Traces;

/// <summary>Finds a trace file named by a path such as <c>data/traces/sqlite3.trace</c>.</summary>
public static class TraceFiles
{
    /// <summary>The folder of the committed traces, relative to the repository root.</summary>
    public const string CommittedFolder = "data/traces";

    /// <summary>The existing file that <paramref name="path"/> names, or null (see <see cref="RepositoryPaths"/>).</summary>
    public static string? Resolve(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return File.Exists(path) ? path : RepositoryPaths.FindFile(path);
    }
}
