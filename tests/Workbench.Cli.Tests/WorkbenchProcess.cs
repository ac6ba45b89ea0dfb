using System.Diagnostics;

namespace Workbench.Cli.Tests;

/// <summary>
/// The workbench program run as a process of its own (the apphost built beside the tests), for tests that need what
/// only a new process has, such as a .NET setting read at start-up (<c>DOTNET_GCHeapHardLimit</c>).
/// </summary>
internal static class WorkbenchProcess
{
    /// <summary>Runs <c>workbench ARGS</c> with the extra environment given; gives up after a minute.</summary>
    public static (int Code, string Out, string Err) Run(IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        ProcessStartInfo start = new(Path.Combine(AppContext.BaseDirectory, "workbench"), args)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach ((string name, string value) in environment)
        {
            start.Environment[name] = value;
        }
        using Process process = Process.Start(start) ?? throw new InvalidOperationException("workbench did not start");
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        Task<string> error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(1)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"workbench {string.Join(' ', args)} did not finish in a minute");
        }
        return (process.ExitCode, output.GetAwaiter().GetResult(), error.GetAwaiter().GetResult());
    }
}
