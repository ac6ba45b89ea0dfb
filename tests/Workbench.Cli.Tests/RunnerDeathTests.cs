using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Workbench.Benchmarks.Model;
using Workbench.Benchmarks.Runner;
using Workbench.Benchmarks.Tests;

namespace Workbench.Cli.Tests;

/// <summary>
/// A runner killed with SIGKILL leaves no trial running: the real <c>workbench</c> program runs a long trial (a .NET trial
/// process, or a real program under GNU time), the test kills the runner with -9 and then looks in <c>/proc</c> for
/// what is left. And a resumed sweep ends a trial that an earlier runner left behind.
/// </summary>
public sealed class RunnerDeathTests
{
    private static readonly TimeSpan Grace = TimeSpan.FromSeconds(5);

    /// <summary>Starts the workbench program built next to the tests, in <paramref name="directory"/>, its output drained.</summary>
    private static Process StartWorkbench(string directory, IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        string dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";
        ProcessStartInfo start = new(dotnet)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = directory,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "workbench.dll"));
        foreach (string argument in args)
        {
            start.ArgumentList.Add(argument);
        }
        foreach ((string name, string value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }
        Process process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    /// <summary>The process's parent and command line, or null when it is gone or has ended (a zombie).</summary>
    private static (int Parent, string CommandLine)? Read(int pid)
    {
        try
        {
            string stat = File.ReadAllText($"/proc/{pid}/stat");
            string[] after = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            if (after[0] is "Z" or "X")
            {
                return null;
            }
            string commandLine = File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ').Trim();
            return (int.Parse(after[1], CultureInfo.InvariantCulture), commandLine);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>The live descendants of <paramref name="root"/>, with their command lines.</summary>
    private static Dictionary<int, string> Descendants(int root)
    {
        Dictionary<int, (int Parent, string CommandLine)> all = [];
        foreach (string folder in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(folder), NumberStyles.None, CultureInfo.InvariantCulture, out int pid) && Read(pid) is { } p)
            {
                all[pid] = p;
            }
        }
        Dictionary<int, string> found = [];
        Queue<int> parents = new([root]);
        while (parents.Count > 0)
        {
            int parent = parents.Dequeue();
            foreach ((int pid, (int p, string commandLine)) in all.Where(e => e.Value.Parent == parent))
            {
                found[pid] = commandLine;
                parents.Enqueue(pid);
            }
        }
        return found;
    }

    /// <summary>Waits until a descendant of <paramref name="root"/> matches; returns all its descendants then.</summary>
    private static Dictionary<int, string> WaitForDescendant(Process root, Func<string, bool> match)
    {
        Stopwatch waited = Stopwatch.StartNew();
        while (waited.Elapsed < TimeSpan.FromSeconds(40))
        {
            Dictionary<int, string> descendants = Descendants(root.Id);
            if (descendants.Values.Any(match))
            {
                return descendants;
            }
            Assert.False(root.HasExited, $"the runner ended (exit {(root.HasExited ? root.ExitCode : 0)}) before its trial was seen");
            Thread.Sleep(50);
        }
        throw new TimeoutException("no trial process appeared within 40 s");
    }

    /// <summary>Asserts that every process in <paramref name="pids"/> ends within <see cref="Grace"/>; kills what is left either way.</summary>
    private static void AssertAllEnd(Dictionary<int, string> pids)
    {
        Stopwatch waited = Stopwatch.StartNew();
        while (pids.Keys.Any(p => Read(p) is not null) && waited.Elapsed < Grace)
        {
            Thread.Sleep(20);
        }
        Dictionary<int, string> left = pids.Where(p => Read(p.Key) is not null).ToDictionary();
        foreach (int pid in left.Keys)
        {
            try
            {
                Process.GetProcessById(pid).Kill();
            }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
            {
            }
        }
        Assert.True(left.Count == 0, $"still running {Grace.TotalSeconds} s after the runner was killed: {string.Join("; ", left.Select(p => $"{p.Key} {p.Value}"))}");
    }

    [Fact]
    public void KillingTheRunnerEndsItsTrialProcess()
    {
        string folder = TestRuns.NewFolder("killed-runner");
        using Process runner = StartWorkbench(folder, null, "run", "glibc-thread", "--allocators", "glibc", "--threads", "1",
            "--set", "duration_ms=600000", "--sample-ms", "0", "--timeout", "900", "--out", folder);
        Dictionary<int, string> trial = WaitForDescendant(runner, c => c.Contains(" trial {", StringComparison.Ordinal));
        runner.Kill();
        runner.WaitForExit();
        AssertAllEnd(trial);
    }

    [Fact]
    public void KillingTheRunnerEndsARealProgramItsTrialRuns()
    {
        // A program that would run for 10 minutes, defined where the runner looks first: data/programs under its folder.
        string folder = TestRuns.NewFolder("killed-program");
        Directory.CreateDirectory(Path.Combine(folder, "data", "programs"));
        File.WriteAllText(Path.Combine(folder, "data", "programs", "sleeper.yaml"), """
            name: sleeper
            description: sleeps for 10 minutes (a test of what a killed runner leaves behind)
            packages: coreutils
            command: [/usr/bin/sleep, "600"]
            check: "matches:.*"
            timeout_seconds: 900
            """);
        using Process runner = StartWorkbench(folder, null, "run", "program", "--program", "sleeper", "--allocators", "glibc",
            "--sample-ms", "0", "--timeout", "900", "--out", Path.Combine(folder, "run"));
        Dictionary<int, string> trial = WaitForDescendant(runner, c => c == "/usr/bin/sleep 600");
        Assert.Contains(trial.Values, c => c.Contains(" trial {", StringComparison.Ordinal));
        Assert.Contains(trial.Values, c => c.StartsWith("/usr/bin/time", StringComparison.Ordinal));
        runner.Kill();
        runner.WaitForExit();
        AssertAllEnd(trial);
    }

    [Fact]
    public void AResumedRunEndsATrialThatAnEarlierRunnerLeftRunning()
    {
        // A stale trial: a trial process whose runner is gone, named in the run folder as a runner names its trial in flight.
        string folder = TestRuns.NewFolder("stale-trial");
        TrialSpec spec = TestRuns.Trial("glibc-thread", "glibc", 1, "uniform:4-32768", new() { ["duration_ms"] = 600_000 });
        string token = Guid.NewGuid().ToString("N");
        using Process stale = StartWorkbench(folder, new Dictionary<string, string> { ["WORKBENCH_TRIAL_TOKEN"] = token },
            "trial", JsonSerializer.Serialize(spec, RunnerJsonContext.Default.TrialSpec));
        try
        {
            File.WriteAllText(Path.Combine(folder, "trial-in-flight"), $"{token} {stale.Id} 999999\n");
            Thread.Sleep(300);
            Assert.False(stale.HasExited);

            (int code, _, string error) = RunExitCodeTests.Workbench("run", "churn", "--allocators", "bump", "--quick", "--threads", "1",
                "--set", "iterations=50", "--sample-ms", "0", "--out", folder);
            Assert.True(code == ExitCodes.Ok, error);
            Assert.Contains($"ended 1 process(es) of a trial left running by an earlier runner (pid 999999): pid {stale.Id}; its trial runs again", error, StringComparison.Ordinal);
        }
        finally
        {
            AssertAllEnd(new() { [stale.Id] = "the stale trial" });
        }
        Assert.False(File.Exists(Path.Combine(folder, "trial-in-flight")));
    }

    [Fact]
    public void ATrialWhoseRunnerIsAlreadyGoneEndsAtOnce()
    {
        // The runner can die between starting the trial and the trial's tie to it: the trial then finds another parent.
        string folder = TestRuns.NewFolder("orphan-trial");
        TrialSpec spec = TestRuns.Trial("glibc-thread", "glibc", 1, "uniform:4-32768", new() { ["duration_ms"] = 600_000 });
        int notTheParent = Environment.ProcessId == 1 ? 2 : 1;
        using Process trial = StartWorkbench(folder, new Dictionary<string, string> { ["WORKBENCH_TRIAL_PARENT"] = notTheParent.ToString(CultureInfo.InvariantCulture) },
            "trial", JsonSerializer.Serialize(spec, RunnerJsonContext.Default.TrialSpec));
        bool ended = trial.WaitForExit(TimeSpan.FromSeconds(10));
        if (!ended)
        {
            trial.Kill();
        }
        Assert.True(ended, "the trial ran on with its runner gone");
        Assert.Equal(ExitCodes.Failure, trial.ExitCode);
    }
}
