using System.Diagnostics;
using System.Globalization;
using Workbench.Benchmarks.Allocators;
using Workbench.Benchmarks.Platform;

namespace Workbench.Benchmarks.Workloads;

/// <summary>
/// security (mimalloc-bench's <c>bench/security</c> probes): four misuses of the heap, each committed in a child process
/// of its own (the workbench program's hidden <see cref="SecurityProbeChild.Command"/>) so that a crash ends that child
/// only: a double free, a write after free followed by reuse of the size, bytes written past a block into its
/// neighbour, and the free of a pointer into a block's middle. Each is recorded as detected (the allocator raised an
/// exception about it, or aborted deliberately as glibc does), crash (the process died otherwise, or the allocator
/// failed on correct use first), silent, or not applicable (managed arrays). cfa-malloc runs every probe twice: in its
/// default mode and in checked mode (<c>CFA_MALLOC_CHECKED=1</c>, columns <c>checked_*</c>).
/// </summary>
public sealed class SecurityWorkload : Workload
{
    /// <summary>cfa-malloc's start-up switch for checked mode (see <c>AllocatorOptions.FromEnvironment</c>).</summary>
    public const string CheckedVariable = "CFA_MALLOC_CHECKED";

    /// <summary>How long a probe may run before it is killed and counted a crash (a hang).</summary>
    public static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(120);

    private const int SigAbrt = 6;

    /// <inheritdoc />
    public override string Name => "security";

    /// <inheritdoc />
    public override string Description => "mimalloc-bench security probes, each in its own process: double free, use after free, overflow into a neighbour, interior-pointer free; whether the allocator detects each, dies of it or lets it pass (cfa also in checked mode)";

    /// <inheritdoc />
    public override string Operation => "one probe (a child process)";

    /// <inheritdoc />
    public override string DefaultSizes => "fixed:64";

    /// <inheritdoc />
    public override IReadOnlyList<int> QuickThreads => [1];

    /// <inheritdoc />
    public override IReadOnlyList<Knob> Knobs { get; } =
    [
        new("follow_up", "malloc+free pairs of the probe's size after the misuse, for the allocator to meet the damage (mimalloc-bench's reuse probes: 262,144)", 262_144, 10_000, Min: 0, Max: 100_000_000),
        new("overflow", "bytes written past the end of the block (mimalloc-bench: 1 or 32)", 32, 32, Min: 1, Max: 4096),
    ];

    /// <inheritdoc />
    public override bool RunsOutside => true;

    /// <summary>The results column of a probe: <c>probe_double_free</c>, or <c>checked_probe_double_free</c> for cfa's checked mode.</summary>
    public static string Column(SecurityProbe probe, bool checkedMode) => (checkedMode ? "checked_" : "") + "probe_" + probe switch
    {
        SecurityProbe.DoubleFree => "double_free",
        SecurityProbe.UseAfterFree => "use_after_free",
        SecurityProbe.Overflow => "overflow",
        SecurityProbe.InteriorFree => "interior_free",
        _ => throw new ArgumentOutOfRangeException(nameof(probe), probe, "unknown probe"),
    };

    /// <inheritdoc />
    public override string? Obstacle(AllocatorInfo allocator, int threads, string sizes)
    {
        ArgumentNullException.ThrowIfNull(allocator);
        return threads != 1
            ? "skipped: the security probes run on one thread: use --threads 1"
            : allocator.Unavailable;
    }

    /// <inheritdoc />
    public override WorkloadResult Run<TAllocator>(TAllocator allocator, WorkloadContext context) =>
        throw new NotSupportedException("the security probes run in child processes of their own: use RunOutside");

    /// <inheritdoc />
    public override WorkloadResult RunOutside(AllocatorInfo allocator, WorkloadContext context)
    {
        ArgumentNullException.ThrowIfNull(allocator);
        ArgumentNullException.ThrowIfNull(context);
        ProbeSettings settings = new((nuint)Math.Max(1, context.Sizes.Max), (int)context.Knob("overflow"), context.Knob("follow_up"));
        List<(SecurityProbe Probe, bool Checked)> runs = [.. Enum.GetValues<SecurityProbe>().Select(p => (p, false))];
        if (allocator.Kind == AllocatorKind.Cfa)
        {
            runs.AddRange(Enum.GetValues<SecurityProbe>().Select(p => (p, true)));
        }
        long start = Stopwatch.GetTimestamp();
        ProbeOutcome[] outcomes = new ProbeOutcome[runs.Count];
        // Each child is started, and waited for, by a thread of its own (ParentDeath ties a child to the thread that starts it).
        Thread[] waiters = [.. runs.Select((run, i) => new Thread(() => outcomes[i] = Run(allocator, run.Probe, run.Checked, settings)) { IsBackground = true })];
        foreach (Thread waiter in waiters)
        {
            waiter.Start();
        }
        foreach (Thread waiter in waiters)
        {
            waiter.Join();
        }
        WorkloadResult result = new() { ElapsedSeconds = Stopwatch.GetElapsedTime(start).TotalSeconds, Operations = runs.Count };
        for (int i = 0; i < runs.Count; i++)
        {
            result.Metrics[Column(runs[i].Probe, runs[i].Checked)] = (int)outcomes[i].Verdict;
        }
        foreach (bool mode in runs.Select(r => r.Checked).Distinct())
        {
            string prefix = mode ? "checked_" : "";
            IEnumerable<ProbeVerdict> verdicts = runs.Select((r, i) => (r, i)).Where(x => x.r.Checked == mode).Select(x => outcomes[x.i].Verdict);
            result.Metrics[prefix + "probes_detected"] = verdicts.Count(v => v == ProbeVerdict.Detected);
            result.Metrics[prefix + "probes_crashed"] = verdicts.Count(v => v == ProbeVerdict.Crash);
            result.Metrics[prefix + "probes_silent"] = verdicts.Count(v => v == ProbeVerdict.Silent);
        }
        return result;
    }

    /// <summary>Commits <paramref name="probe"/> on <paramref name="allocator"/> in a child process and judges what happened.</summary>
    /// <exception cref="InvalidOperationException">The workbench program is not beside this library, or cannot be started.</exception>
    public static ProbeOutcome Run(AllocatorInfo allocator, SecurityProbe probe, bool checkedMode, ProbeSettings settings)
    {
        ArgumentNullException.ThrowIfNull(allocator);
        ArgumentNullException.ThrowIfNull(settings);
        ProcessStartInfo start = WorkbenchProgram();
        start.ArgumentList.Add(SecurityProbeChild.Command);
        start.ArgumentList.Add(allocator.Name);
        start.ArgumentList.Add(probe.ToString());
        start.ArgumentList.Add(settings.Size.ToString(CultureInfo.InvariantCulture));
        start.ArgumentList.Add(settings.Overflow.ToString(CultureInfo.InvariantCulture));
        start.ArgumentList.Add(settings.FollowUp.ToString(CultureInfo.InvariantCulture));
        foreach ((string name, string value) in allocator.Environment)
        {
            start.Environment[name] = value;
        }
        if (checkedMode)
        {
            start.Environment[CheckedVariable] = "1";
        }
        start.Environment[ParentDeath.ParentVariable] = Environment.ProcessId.ToString(CultureInfo.InvariantCulture);
        // A probe times nothing: the runtime's quick start-up beats the trial's fully optimised code here.
        start.Environment["DOTNET_TieredCompilation"] = "1";
        using Process process = new() { StartInfo = start };
        List<string> lines = [];
        Queue<string> errors = new();
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (lines)
                {
                    lines.Add(e.Data);
                }
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (!string.IsNullOrWhiteSpace(e.Data))
            {
                lock (errors)
                {
                    errors.Enqueue(e.Data.Trim());
                    if (errors.Count > 4)
                    {
                        errors.Dequeue();
                    }
                }
            }
        };
        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException($"security: cannot start the probe process '{start.FileName}': {e.Message}", e);
        }
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        bool timedOut = !process.WaitForExit(ProbeTimeout);
        if (timedOut)
        {
            try
            {
                process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
            }
        }
        process.WaitForExit();
        lock (lines)
        {
            lock (errors)
            {
                return Judge(timedOut, process.ExitCode, lines, string.Join(" / ", errors));
            }
        }
    }

    /// <summary>
    /// The verdict on a probe from what its process left: whether it hung, its exit code, its output lines and the tail
    /// of its error output. A death before the probe was armed is a crash (the allocator failed on correct use); a
    /// death by SIGABRT after it is the allocator's deliberate abort (detected) unless the .NET runtime itself failed
    /// ("Process terminated", "Unhandled exception"); any other death is a crash.
    /// </summary>
    public static ProbeOutcome Judge(bool timedOut, int exitCode, IReadOnlyList<string> output, string errorTail)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(errorTail);
        if (timedOut)
        {
            return new ProbeOutcome(ProbeVerdict.Crash, $"hung: killed after {ProbeTimeout.TotalSeconds:0} s");
        }
        bool armed = output.Contains(SecurityProbeChild.ArmedLine);
        int verdictAt = -1;
        for (int i = 0; i < output.Count; i++)
        {
            if (output[i] is SecurityProbeChild.DetectedWord or SecurityProbeChild.SilentWord or SecurityProbeChild.NotApplicableWord or SecurityProbeChild.CrashedWord)
            {
                verdictAt = i;
            }
        }
        if (verdictAt >= 0 && exitCode == 0)
        {
            string detail = verdictAt + 1 < output.Count ? output[verdictAt + 1] : "";
            ProbeVerdict verdict = output[verdictAt] switch
            {
                SecurityProbeChild.DetectedWord => ProbeVerdict.Detected,
                SecurityProbeChild.SilentWord => ProbeVerdict.Silent,
                SecurityProbeChild.NotApplicableWord => ProbeVerdict.NotApplicable,
                _ => ProbeVerdict.Crash,
            };
            return new ProbeOutcome(verdict, detail);
        }
        string how = DescribeExit(exitCode) + (errorTail.Length > 0 ? $"; stderr: {errorTail}" : "");
        if (!armed)
        {
            return new ProbeOutcome(ProbeVerdict.Crash, $"died before the misuse, on correct use: {how}");
        }
        bool runtimeFailure = errorTail.Contains("Process terminated", StringComparison.Ordinal)
            || errorTail.Contains("Unhandled exception", StringComparison.Ordinal)
            || errorTail.Contains("Fatal error", StringComparison.Ordinal);
        return exitCode == 128 + SigAbrt && !runtimeFailure
            ? new ProbeOutcome(ProbeVerdict.Detected, $"aborted by the allocator: {how}")
            : new ProbeOutcome(ProbeVerdict.Crash, how);
    }

    private static string DescribeExit(int code) => code > 128 && code < 128 + 65
        ? $"killed by signal {code - 128} (exit code {code})"
        : $"exit code {code}";

    /// <summary>
    /// The program of this trial process when it is one (the workbench's apphost, or cfa-aot's trial host, which both
    /// take the probe command); else (a trial run by <c>dotnet workbench.dll</c>, a test host) the workbench program
    /// beside this library: its apphost, or <c>workbench.dll</c> under the dotnet host.
    /// </summary>
    private static ProcessStartInfo WorkbenchProgram()
    {
        string? current = Environment.ProcessPath;
        string currentName = Path.GetFileNameWithoutExtension(current ?? "");
        string folder = AppContext.BaseDirectory;
        string apphost = Path.Combine(folder, "workbench");
        string dll = Path.Combine(folder, "workbench.dll");
        ProcessStartInfo start;
        if (current is not null && currentName is "workbench" or "workbench-trialhost")
        {
            start = new ProcessStartInfo(current);
        }
        else if (File.Exists(apphost))
        {
            start = new ProcessStartInfo(apphost);
        }
        else if (File.Exists(dll))
        {
            string host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } named ? named : "dotnet";
            start = new ProcessStartInfo(host);
            start.ArgumentList.Add(dll);
        }
        else
        {
            throw new InvalidOperationException($"security: each probe runs in a child workbench process, and there is no workbench program in {folder}: run the benchmark from the workbench program (cli/bin/Release/net10.0/workbench)");
        }
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.UseShellExecute = false;
        return start;
    }
}
