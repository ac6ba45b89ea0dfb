namespace Workbench.Benchmarks;

/// <summary>
/// Finds a file or folder named by a path relative to the repository root, such as <c>data/traces/sqlite3.trace</c>
/// or <c>artifacts/preload/libcfamalloc.so</c>: as given (from the current directory), else from each folder above
/// the current directory and above this program, so that the repository's files are found from any folder inside
/// it and from the test and build output folders.
/// </summary>
public static class RepositoryPaths
{
    /// <summary>The existing file that <paramref name="path"/> names, or null.</summary>
    public static string? FindFile(string path) => Find(path, File.Exists);

    /// <summary>The existing folder that <paramref name="path"/> names, or null.</summary>
    public static string? FindFolder(string path) => Find(path, Directory.Exists);

    private static string? Find(string path, Func<string, bool> exists)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (exists(path))
        {
            return Path.GetFullPath(path);
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
                if (exists(candidate))
                {
                    return candidate;
                }
            }
        }
        return null;
    }
}
