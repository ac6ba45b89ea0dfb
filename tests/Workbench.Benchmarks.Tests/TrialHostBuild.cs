using System.Diagnostics;
using Workbench.Benchmarks.Allocators;

namespace Workbench.Benchmarks.Tests;

/// <summary>
/// cfa-aot's trial host for the tests: scripts/build-trialhost.sh builds it, or leaves it as it is when it is newer than
/// its sources (scripts/setup.sh has run it before the tests), once per test process.
/// </summary>
internal static class TrialHostBuild
{
    private static readonly Lazy<string> s_program = new(Build);

    /// <summary>The built program's absolute path.</summary>
    public static string Program => s_program.Value;

    private static string Build()
    {
        string script = RepositoryPaths.FindFile("scripts/build-trialhost.sh")
            ?? throw new FileNotFoundException("scripts/build-trialhost.sh is not in the repository");
        using Process build = Process.Start(new ProcessStartInfo("/bin/bash", [script]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        Task<string> output = build.StandardOutput.ReadToEndAsync();
        Task<string> error = build.StandardError.ReadToEndAsync();
        Assert.True(build.WaitForExit(TimeSpan.FromMinutes(15)), "scripts/build-trialhost.sh ran past 15 minutes");
        Assert.True(build.ExitCode == 0, $"scripts/build-trialhost.sh failed: {output.Result} {error.Result}");
        return RepositoryPaths.FindFile(TrialHostSpec.AheadOfTime.Program)
            ?? throw new FileNotFoundException($"scripts/build-trialhost.sh made no {TrialHostSpec.AheadOfTime.Program}");
    }
}
