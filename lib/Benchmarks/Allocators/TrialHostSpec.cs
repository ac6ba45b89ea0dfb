namespace Workbench.Benchmarks.Allocators;

/// <summary>
/// A program other than the workbench that runs an allocator's trials: it takes the same command line
/// (<c>PROGRAM trial SPEC-JSON</c>) and runs the same trial code, built another way (cfa-aot's: compiled ahead of time).
/// </summary>
/// <param name="Program">The program, as a path relative to the repository root.</param>
/// <param name="Source">What builds it, and what that needs (for the line that says it is missing).</param>
public sealed record TrialHostSpec(string Program, string Source)
{
    /// <summary>The trial code compiled ahead of time by NativeAOT (lib/TrialHost).</summary>
    public static TrialHostSpec AheadOfTime { get; } =
        new("artifacts/trialhost/workbench-trialhost", "scripts/build-trialhost.sh, with the .NET SDK's NativeAOT and gcc");

    /// <summary>The program's absolute path, or null when it is not built.</summary>
    public string? Resolve() => RepositoryPaths.FindFile(Program);
}
