namespace Workbench.Benchmarks.Model;

/// <summary>
/// A run's name (<see cref="SweepDefinition.Name"/>), which is also its folder under the runs folder
/// (<c>data/runs/NAME</c>): one folder name, so that a run is always written inside the runs folder.
/// </summary>
public static class RunName
{
    /// <summary>
    /// Null when <paramref name="name"/> is one folder name, or empty (a sweep made in code that names no folder by its
    /// name); else a one-line reason that says what to write. Refused: <c>.</c> and <c>..</c>, and any name with a
    /// <c>/</c>, a <c>\</c> or a NUL (it would leave the runs folder, or go below it).
    /// </summary>
    public static string? Problem(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        bool plain = name is not ("." or "..") && name.AsSpan().IndexOfAny("/\\\0") < 0;
        return plain ? null
            : $"run name '{name}' is not one folder name: a run goes to data/runs/NAME, so write a name without '/' or '..', e.g. name: first-comparison (or give the folder with --out)";
    }
}
