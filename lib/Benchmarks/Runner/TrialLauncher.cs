using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Workbench.Benchmarks.Allocators;
using Workbench.Benchmarks.Model;
using Workbench.Benchmarks.Platform;

namespace Workbench.Benchmarks.Runner;

/// <summary>
/// Runs a trial in its own child process: the command line program started again with its hidden
/// <c>trial</c> command (or the trial host the allocator's entry names, which takes the same command: cfa-aot's),
/// the allocator's environment (e.g. jemalloc's static-TLS tunable, cfa-noown's ownership switch) set, a time limit,
/// and the result read back from one JSON line. A process that dies or prints no result is a failed trial; one that
/// runs past the limit is killed and timed out.
/// </summary>
/// <remarks>
/// A trial process never outlives its runner: it is given the runner's process id (<see cref="ParentDeath.ParentVariable"/>)
/// and ties itself to it, so the kernel kills it when the runner dies, even by SIGKILL. It is started from the thread
/// that then waits for it, which the tie requires. With a run folder, the trial is named in it while it runs
/// (<see cref="TrialInFlight"/>), so that a later runner can end what a runner that died before the tie left behind.
/// </remarks>
public sealed class TrialLauncher
{
    /// <summary>A launcher that starts <paramref name="executable"/> with <paramref name="prefixArguments"/> before <c>trial</c>.</summary>
    public TrialLauncher(string executable, IReadOnlyList<string> prefixArguments)
    {
        Executable = executable;
        PrefixArguments = prefixArguments;
    }

    /// <summary>The program started for each trial.</summary>
    public string Executable { get; }

    /// <summary>Arguments before <c>trial</c> (the assembly path when the program is <c>dotnet</c>).</summary>
    public IReadOnlyList<string> PrefixArguments { get; }

    /// <summary>A launcher that starts the current program again (its apphost, or <c>dotnet</c> with its assembly).</summary>
    public static TrialLauncher ForCurrentProcess()
    {
        string process = Environment.ProcessPath ?? "dotnet";
        string name = Path.GetFileNameWithoutExtension(process);
        if (string.Equals(name, "dotnet", StringComparison.OrdinalIgnoreCase))
        {
            string assembly = System.Reflection.Assembly.GetEntryAssembly()?.Location ?? "";
            return new TrialLauncher(process, [assembly]);
        }
        return new TrialLauncher(process, []);
    }

    /// <summary>
    /// A launcher that starts this repository's workbench program, for code that is not that program (a notebook
    /// kernel): <c>WORKBENCH_CLI</c> when set, else the copy scripts/setup-figures.sh publishes
    /// (<c>artifacts/notebooks/cli/workbench</c>), else the CLI's Release build; null when there is none.
    /// </summary>
    public static TrialLauncher? ForWorkbenchProgram()
    {
        string? named = Environment.GetEnvironmentVariable("WORKBENCH_CLI");
        string? program = !string.IsNullOrWhiteSpace(named)
            ? (File.Exists(named) ? named : null)
            : RepositoryPaths.FindFile("artifacts/notebooks/cli/workbench") ?? RepositoryPaths.FindFile("cli/bin/Release/net10.0/workbench");
        return program is null ? null : new TrialLauncher(program, []);
    }

    /// <summary>
    /// The .NET settings of every trial process, unless the caller's environment sets them: workstation GC,
    /// and tiered compilation off, so that the managed allocators (cfa-malloc, the .NET options) and the
    /// benchmark loops run fully optimised from their first call instead of spending a short trial in
    /// unoptimised tier-0 code (native allocators are always optimised; without this the comparison is unfair).
    /// </summary>
    public static IReadOnlyDictionary<string, string> RuntimeEnvironment { get; } = new Dictionary<string, string>
    {
        ["DOTNET_gcServer"] = "0",
        ["DOTNET_TieredCompilation"] = "0",
    };

    /// <summary>
    /// Runs the trial in a child process, named in <paramref name="runDirectory"/> while it runs when one is given.
    /// Cancelling <paramref name="cancellation"/> kills the process (a notebook's interrupt, which does not reach the child as Ctrl+C does).
    /// </summary>
    public TrialResult Run(TrialSpec spec, TimeSpan timeout, string? runDirectory = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(spec);
        AllocatorInfo? info = AllocatorCatalog.Find(spec.Allocator);
        // An allocator whose entry names its own trial host (cfa-aot's, compiled ahead of time) runs there, not here.
        string executable = info?.Host is { } host ? host.Resolve() ?? host.Program : Executable;
        ProcessStartInfo start = new(executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = false,
            UseShellExecute = false,
        };
        foreach (string argument in info?.Host is null ? PrefixArguments : [])
        {
            start.ArgumentList.Add(argument);
        }
        start.ArgumentList.Add(TrialProcess.Command);
        start.ArgumentList.Add(JsonSerializer.Serialize(spec, RunnerJsonContext.Default.TrialSpec));
        if (info is not null)
        {
            foreach ((string name, string value) in info.Environment)
            {
                start.Environment[name] = value;
            }
        }
        string token = TrialInFlight.NewToken();
        start.Environment[ParentDeath.ParentVariable] = Environment.ProcessId.ToString(CultureInfo.InvariantCulture);
        start.Environment[TrialInFlight.TokenVariable] = token;
        foreach ((string name, string value) in RuntimeEnvironment)
        {
            if (Environment.GetEnvironmentVariable(name) is null)
            {
                start.Environment[name] = value;
            }
        }

        TrialResult? reported = null;
        Queue<string> errorTail = new();
        using Process process = new() { StartInfo = start };
        process.OutputDataReceived += (_, e) =>
        {
            TrialResult? parsed = TrialResultLine.Parse(e.Data);
            if (parsed is not null)
            {
                reported = parsed;
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (!string.IsNullOrWhiteSpace(e.Data))
            {
                lock (errorTail)
                {
                    errorTail.Enqueue(e.Data.Trim());
                    if (errorTail.Count > 5)
                    {
                        errorTail.Dequeue();
                    }
                }
            }
        };
        TrialResult result = new();
        ResourceUsage childrenBefore = ResourceUsage.OfChildren();
        try
        {
            // The child inherits the mask of the thread that starts it, and the .NET runtime gives each thread it
            // starts the mask the process started with: pinning must happen here, before the trial process exists.
            using (CpuAffinity.PinCallingThreadWhile(spec.Cpus))
            {
                process.Start();
            }
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            result.Status = TrialStatus.Failed;
            result.Message = $"cannot start the trial process '{executable}': {e.Message}";
            return result;
        }
        if (runDirectory is not null)
        {
            TrialInFlight.Record(runDirectory, token, process.Id);
        }
        try
        {
            using CancellationTokenRegistration kill = cancellation.Register(() =>
            {
                try
                {
                    process.Kill(entireProcessTree: true);
                }
                catch (InvalidOperationException)
                {
                }
            });
            return Wait(process, timeout, childrenBefore, () => reported, errorTail);
        }
        finally
        {
            if (runDirectory is not null)
            {
                TrialInFlight.Clear(runDirectory);
            }
        }
    }

    /// <summary>Waits for the started trial process to end (or kills it at the time limit) and makes its result.</summary>
    private static TrialResult Wait(Process process, TimeSpan timeout, ResourceUsage childrenBefore, Func<TrialResult?> reportedResult, Queue<string> errorTail)
    {
        TrialResult result = new();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (!process.WaitForExit(timeout))
        {
            try
            {
                process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
            }
            process.WaitForExit();
            FromParent(result, childrenBefore);
            result.Status = TrialStatus.Timeout;
            result.Message = $"killed after the time limit of {timeout.TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture)} s";
            return result;
        }
        process.WaitForExit();
        TrialResult? reported = reportedResult();
        if (reported is null)
        {
            FromParent(result, childrenBefore);
            result.Status = TrialStatus.Failed;
            string tail;
            lock (errorTail)
            {
                tail = string.Join(" / ", errorTail);
            }
            result.Message = $"trial process died: {DescribeExit(process.ExitCode)}" + (tail.Length > 0 ? $"; stderr: {tail}" : "");
            return result;
        }
        return reported;
    }

    /// <summary>CPU time and faults of a child that could not report them itself, from the parent's view.</summary>
    private static void FromParent(TrialResult result, ResourceUsage childrenBefore)
    {
        ResourceUsage usage = ResourceUsage.Delta(childrenBefore, ResourceUsage.OfChildren());
        result.UserSeconds = usage.UserSeconds;
        result.SystemSeconds = usage.SystemSeconds;
        result.PageFaults = usage.MajorFaults;
        result.PageReclaims = usage.MinorFaults;
    }

    private static string DescribeExit(int code)
    {
        if (code > 128 && code < 128 + 65)
        {
            int signal = code - 128;
            string name = signal switch { 6 => "SIGABRT", 9 => "SIGKILL", 11 => "SIGSEGV", 7 => "SIGBUS", 4 => "SIGILL", 8 => "SIGFPE", _ => "signal" };
            return $"exit code {code} ({name}, signal {signal})";
        }
        return $"exit code {code}";
    }
}
