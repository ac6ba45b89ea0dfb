using Workbench.Benchmarks.Model;

namespace Workbench.Cli;

/// <summary>The <c>run</c> argument of report and figures: a run folder or a results file.</summary>
public static class RunFolders
{
    /// <summary>The results file that <paramref name="path"/> names (a run folder's <c>results.csv</c>, or the file itself).</summary>
    /// <exception cref="UsageException">There are no results there; the message says what to give instead.</exception>
    public static string ResultsFile(string path)
    {
        string file = Directory.Exists(path) ? Path.Combine(path, "results.csv") : path;
        if (!File.Exists(file))
        {
            throw new UsageException($"no results at '{path}': give a run folder such as data/runs/NAME (ls data/runs)");
        }
        return file;
    }
}
