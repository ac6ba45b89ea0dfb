using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Workbench.Benchmarks.Allocators;
using Workbench.Benchmarks.Platform;

namespace Workbench.Benchmarks.Programs;

/// <summary>What one run of a real program measured: its time, its resources (from GNU time) and its own figure.</summary>
/// <param name="ElapsedSeconds">Wall time of the command (of the client, when there is a server).</param>
/// <param name="UserSeconds">User CPU time of the process on the allocator (the server, when there is one).</param>
/// <param name="SystemSeconds">System CPU time of that process.</param>
/// <param name="MaxRssKib">Its peak resident set.</param>
/// <param name="MajorFaults">Its page faults that read from disk.</param>
/// <param name="MinorFaults">Its other page faults (page reclaims).</param>
/// <param name="Throughput">The program's own throughput figure, when its definition says where it prints one.</param>
public sealed record ProgramOutcome(double ElapsedSeconds, double UserSeconds, double SystemSeconds, long MaxRssKib, long MajorFaults, long MinorFaults, double? Throughput);

/// <summary>
/// Runs a real program on an allocator the way mimalloc-bench does: an unmodified process, the allocator preloaded
/// (<c>LD_PRELOAD</c>; nothing for glibc), its resources measured by GNU time. A run whose program exits with an
/// error or whose output is wrong throws <see cref="ProgramException"/>: a wrong output fails the trial.
/// </summary>
/// <remarks>
/// The chain is <c>time -o REPORT env LD_PRELOAD=LIB ... PROGRAM</c>: <c>env</c> replaces itself with the program, so
/// that only the program (and its children, which inherit the variable) runs on the allocator, and GNU time, which
/// waits for it, reports its usage alone. Every allocator, glibc included, goes through the same chain. Each process
/// that the trial starts is tied to the one that starts it (<see cref="ParentDeath.TiedPrefix"/>: <c>setpriv
/// --pdeathsig KILL</c> before <c>time</c>, and again between <c>time</c> and <c>env</c>), so that killing the runner
/// ends the trial process, which ends <c>time</c>, which ends the program: nothing is left running. <c>setpriv</c>
/// replaces itself with what follows it, so the chain holds no extra process. The output
/// check of <c>same-as-glibc</c> compares with a reference run on glibc, made once per machine and thread count and
/// kept under <c>artifacts/programs</c> with the prepared input.
/// </remarks>
public static class ProgramRunner
{
    /// <summary>GNU time (Debian package <c>time</c>).</summary>
    public const string TimeProgram = "/usr/bin/time";

    private const string EnvProgram = "/usr/bin/env";
    private const string TimeFormat = "%x %U %S %M %F %R";
    private static readonly Lock s_prepareLock = new();

    /// <summary>Null when the program can run on <paramref name="allocator"/> at <paramref name="threads"/> threads here; else a one-line reason.</summary>
    public static string? Obstacle(ProgramDefinition program, AllocatorInfo allocator, int threads)
    {
        ArgumentNullException.ThrowIfNull(program);
        ArgumentNullException.ThrowIfNull(allocator);
        if (threads != 1 && !program.UsesThreads)
        {
            return $"skipped: {program.Name} has no thread count to set: it runs at 1 thread only";
        }
        if (!File.Exists(TimeProgram))
        {
            return $"skipped: program runs need GNU time, {TimeProgram} (Debian package time)";
        }
        if (!File.Exists(ParentDeath.SetprivProgram))
        {
            return $"skipped: program runs need {ParentDeath.SetprivProgram} to end a program with its trial (Debian package util-linux)";
        }
        foreach (string executable in Executables(program))
        {
            if (!File.Exists(executable))
            {
                return $"skipped: {program.Name}: {executable} not found (Debian package {program.Packages})";
            }
        }
        return allocator.PreloadUnavailable;
    }

    /// <summary>Runs the program once on the allocator, checks its output, and returns what it measured.</summary>
    /// <exception cref="ProgramException">It cannot run here, exited with an error, or printed the wrong output.</exception>
    public static ProgramOutcome Run(ProgramDefinition program, AllocatorInfo allocator, int threads)
    {
        ArgumentNullException.ThrowIfNull(program);
        ArgumentNullException.ThrowIfNull(allocator);
        if (Obstacle(program, allocator, threads) is { } obstacle)
        {
            throw new ProgramException(obstacle);
        }
        string cache = Prepare(program);
        string? expected = program.Check == ProgramDefinition.SameAsGlibc ? Reference(program, threads, cache) : null;
        string work = Directory.CreateTempSubdirectory($"workbench-{program.Name}-").FullName;
        try
        {
            (ProgramOutcome outcome, string stdout) = RunOnce(program, allocator, threads, cache, work);
            if (expected is not null)
            {
                string digest = Digest(program, OutputFiles(program, threads, cache, work), stdout);
                if (digest != expected)
                {
                    throw new ProgramException($"{program.Name} on {allocator.Name}: its output differs from its run on glibc (sha256 {digest[..12]}, glibc {expected[..12]})");
                }
            }
            else if (program.OutputPattern is { } pattern && !pattern.IsMatch(File.ReadAllText(stdout)))
            {
                throw new ProgramException($"{program.Name} on {allocator.Name}: its output does not match {pattern}: {Tail(File.ReadAllText(stdout))}");
            }
            return outcome;
        }
        finally
        {
            TryDelete(work);
        }
    }

    /// <summary>The programs a run starts: the command's, and the server's.</summary>
    private static IEnumerable<string> Executables(ProgramDefinition program) =>
        program.Server is null ? [program.Command[0]] : [program.Command[0], program.Server.Command[0], program.Server.Stop[0]];

    /// <summary>This program's folder under <c>artifacts/programs</c>, its input prepared (once per definition).</summary>
    private static string Prepare(ProgramDefinition program)
    {
        string definitions = ProgramCatalog.Directory ?? throw new ProgramException($"{ProgramCatalog.Folder} not found: run the workbench inside its repository");
        string root = Path.GetFullPath(Path.Combine(definitions, "..", ".."));
        string cache = Path.Combine(root, "artifacts", "programs", program.Name);
        string stamp = Path.Combine(cache, ".prepared");
        string fingerprint = Fingerprint(program);
        lock (s_prepareLock)
        {
            if (File.Exists(stamp) && File.ReadAllText(stamp) == fingerprint)
            {
                return cache;
            }
            if (Directory.Exists(cache))
            {
                Directory.Delete(cache, recursive: true);
            }
            Directory.CreateDirectory(cache);
            if (program.Prepare.Count > 0)
            {
                List<string> command = Expand(program.Prepare, program, 1, cache, cache, 0);
                (int exit, string errors) = Execute(command, program, preload: null, stdin: null, stdout: Path.Combine(cache, ".prepare.out"), program.TimeoutSeconds);
                if (exit != 0)
                {
                    throw new ProgramException($"{program.Name}: preparing its input failed (exit {exit}): {Tail(errors)}");
                }
            }
            File.WriteAllText(stamp, fingerprint);
            return cache;
        }
    }

    /// <summary>The digest of the program's output on glibc at this thread count (run once, then kept).</summary>
    private static string Reference(ProgramDefinition program, int threads, string cache)
    {
        string file = Path.Combine(cache, $"reference-{threads}.txt");
        string key = $"{Fingerprint(program)} {ExecutableStamp(program)}";
        lock (s_prepareLock)
        {
            if (File.Exists(file) && File.ReadAllLines(file) is [string storedKey, string stored] && storedKey == key)
            {
                return stored;
            }
        }
        AllocatorInfo glibc = AllocatorCatalog.Find("glibc")!;
        string work = Directory.CreateTempSubdirectory($"workbench-{program.Name}-reference-").FullName;
        try
        {
            (_, string stdout) = RunOnce(program, glibc, threads, cache, work);
            string digest = Digest(program, OutputFiles(program, threads, cache, work), stdout);
            lock (s_prepareLock)
            {
                File.WriteAllLines(file, [key, digest]);
            }
            return digest;
        }
        finally
        {
            TryDelete(work);
        }
    }

    /// <summary>One run: the server (if any) started and stopped around the command, everything under GNU time.</summary>
    private static (ProgramOutcome Outcome, string Stdout) RunOnce(ProgramDefinition program, AllocatorInfo allocator, int threads, string cache, string work)
    {
        string preload = allocator.Preload!.Resolve() ?? throw new ProgramException(allocator.PreloadUnavailable!);
        int port = program.Server is null ? 0 : FreePort();
        ProgramDefinition p = program;
        List<string> command = Expand(p.Command, p, threads, cache, work, port);
        string stdout = Path.Combine(work, ".stdout");
        string? stdin = p.Stdin is null ? null : Expand([p.Stdin], p, threads, cache, work, port)[0];
        if (p.Server is null)
        {
            string report = Path.Combine(work, ".time");
            Stopwatch clock = Stopwatch.StartNew();
            (int exit, string errors) = Execute(Timed(report, command), p, (allocator, preload), stdin, stdout, p.TimeoutSeconds);
            double elapsed = clock.Elapsed.TotalSeconds;
            Usage usage = ReadUsage(report, exit, errors, p, allocator);
            return (new ProgramOutcome(elapsed, usage.User, usage.System, usage.MaxRssKib, usage.Major, usage.Minor, Throughput(p, stdout)), stdout);
        }
        // A server on the allocator, the client on glibc; the server's usage, the client's time.
        string serverReport = Path.Combine(work, ".server-time");
        List<string> server = Timed(serverReport, Expand(p.Server.Command, p, threads, cache, work, port));
        using Process serverProcess = Start(server, p, (allocator, preload), redirectOutput: true);
        StringBuilder serverErrors = new();
        serverProcess.ErrorDataReceived += (_, e) => { lock (serverErrors) { serverErrors.AppendLine(e.Data); } };
        serverProcess.OutputDataReceived += (_, _) => { };
        serverProcess.BeginErrorReadLine();
        serverProcess.BeginOutputReadLine();
        try
        {
            WaitForPort(port, serverProcess, TimeSpan.FromSeconds(30), p.Name);
            Stopwatch clock = Stopwatch.StartNew();
            (int clientExit, string clientErrors) = Execute(command, p, preload: null, stdin, stdout, p.TimeoutSeconds);
            double elapsed = clock.Elapsed.TotalSeconds;
            if (clientExit != 0)
            {
                throw new ProgramException($"{p.Name} on {allocator.Name}: its client exited with {clientExit}: {Tail(clientErrors)}");
            }
            Execute(Expand(p.Server.Stop, p, threads, cache, work, port), p, preload: null, stdin: null, Path.Combine(work, ".stop"), 30);
            if (!serverProcess.WaitForExit(TimeSpan.FromSeconds(30)))
            {
                throw new ProgramException($"{p.Name} on {allocator.Name}: its server did not stop within 30 s of {string.Join(' ', p.Server.Stop)}");
            }
            serverProcess.WaitForExit();
            string errors;
            lock (serverErrors)
            {
                errors = serverErrors.ToString();
            }
            Usage usage = ReadUsage(serverReport, serverProcess.ExitCode, errors, p, allocator);
            return (new ProgramOutcome(elapsed, usage.User, usage.System, usage.MaxRssKib, usage.Major, usage.Minor, Throughput(p, stdout)), stdout);
        }
        finally
        {
            if (!serverProcess.HasExited)
            {
                serverProcess.Kill(entireProcessTree: true);
                serverProcess.WaitForExit();
            }
        }
    }

    /// <summary>The command under GNU time, whose report goes to <paramref name="report"/>.</summary>
    private static List<string> Timed(string report, List<string> command) => [TimeProgram, "-f", TimeFormat, "-o", report, .. command];

    private readonly record struct Usage(double User, double System, long MaxRssKib, long Major, long Minor);

    /// <summary>GNU time's report: the last line is the format's fields; a line before it may say the program died of a signal.</summary>
    private static Usage ReadUsage(string report, int exit, string errors, ProgramDefinition program, AllocatorInfo allocator)
    {
        string[] lines = File.Exists(report) ? File.ReadAllLines(report) : [];
        string? signal = lines.FirstOrDefault(l => l.StartsWith("Command terminated by signal", StringComparison.Ordinal));
        if (signal is not null || exit != 0 || lines.Length == 0)
        {
            throw new ProgramException($"{program.Name} on {allocator.Name}: {signal ?? $"exited with {exit}"}: {Tail(errors)}");
        }
        string[] f = lines[^1].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (f.Length != 6)
        {
            throw new ProgramException($"{program.Name} on {allocator.Name}: GNU time's report '{lines[^1]}' is not '{TimeFormat}'");
        }
        return new Usage(
            double.Parse(f[1], CultureInfo.InvariantCulture), double.Parse(f[2], CultureInfo.InvariantCulture),
            long.Parse(f[3], CultureInfo.InvariantCulture), long.Parse(f[4], CultureInfo.InvariantCulture), long.Parse(f[5], CultureInfo.InvariantCulture));
    }

    /// <summary>The mean of the throughput figures the program printed, or null.</summary>
    private static double? Throughput(ProgramDefinition program, string stdout)
    {
        if (program.Throughput is null)
        {
            return null;
        }
        double[] values = [.. Regex.Matches(File.ReadAllText(stdout), program.Throughput, RegexOptions.Multiline)
            .Select(m => double.TryParse(m.Groups[1].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) ? v : double.NaN)
            .Where(double.IsFinite)];
        return values.Length == 0
            ? throw new ProgramException($"{program.Name}: its output has no throughput figure matching {program.Throughput}: {Tail(File.ReadAllText(stdout))}")
            : values.Average();
    }

    /// <summary>Runs a command to its end (or its time limit), standard output to a file; returns its exit code and the end of its standard error.</summary>
    private static (int Exit, string Errors) Execute(List<string> command, ProgramDefinition program, (AllocatorInfo Allocator, string Library)? preload,
        string? stdin, string stdout, double timeoutSeconds)
    {
        using Process process = Start(command, program, preload, redirectOutput: true, redirectInput: stdin is not null);
        Task<string> errors = Task.Run(process.StandardError.ReadToEnd);
        Task copy;
        using (FileStream output = File.Create(stdout))
        {
            copy = process.StandardOutput.BaseStream.CopyToAsync(output);
            if (stdin is not null)
            {
                using (FileStream input = File.OpenRead(stdin))
                {
                    try
                    {
                        input.CopyTo(process.StandardInput.BaseStream);
                    }
                    catch (IOException)
                    {
                        // The program stopped reading (it exits on its own; its exit status says how).
                    }
                }
                process.StandardInput.Close();
            }
            if (!process.WaitForExit(TimeSpan.FromSeconds(timeoutSeconds)))
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit();
                throw new ProgramException($"{program.Name}: {Path.GetFileName(command[0])} ran past {timeoutSeconds} s and was killed");
            }
            process.WaitForExit();
            copy.Wait();
        }
        return (process.ExitCode, errors.Result);
    }

    /// <summary>
    /// Starts a command with the program's environment, the allocator preloaded through <c>env</c> when asked
    /// (only the command after <c>env</c> runs on it), and no inherited preload or .NET or cfa-malloc settings.
    /// </summary>
    private static Process Start(List<string> command, ProgramDefinition program, (AllocatorInfo Allocator, string Library)? preload,
        bool redirectOutput, bool redirectInput = false)
    {
        // Started through setpriv: the process dies with the thread that starts it, which waits for it (ParentDeath).
        ProcessStartInfo start = new(ParentDeath.TiedPrefix[0])
        {
            RedirectStandardOutput = redirectOutput,
            RedirectStandardError = true,
            RedirectStandardInput = redirectInput,
            UseShellExecute = false,
        };
        foreach (string name in start.Environment.Keys.Where(k => k is "LD_PRELOAD" || k.StartsWith("DOTNET_", StringComparison.Ordinal) || k.StartsWith("CFA_MALLOC_", StringComparison.Ordinal)).ToList())
        {
            start.Environment.Remove(name);
        }
        foreach ((string name, string value) in program.Environment)
        {
            start.Environment[name] = value;
        }
        foreach (string argument in ParentDeath.TiedPrefix.Skip(1))
        {
            start.ArgumentList.Add(argument);
        }
        start.ArgumentList.Add(command[0]);
        int first = 1;
        if (preload is { } p && command[0] == TimeProgram)
        {
            // time's arguments (-f FORMAT -o REPORT), then env (tied to time) with the allocator's settings, then the program.
            first = 5;
            foreach (string argument in command.Skip(1).Take(4))
            {
                start.ArgumentList.Add(argument);
            }
            foreach (string argument in ParentDeath.TiedPrefix)
            {
                start.ArgumentList.Add(argument);
            }
            start.ArgumentList.Add(EnvProgram);
            if (p.Library.Length > 0)
            {
                start.ArgumentList.Add($"LD_PRELOAD={p.Library}");
            }
            foreach ((string name, string value) in p.Allocator.Environment)
            {
                start.ArgumentList.Add($"{name}={value}");
            }
        }
        foreach (string argument in command.Skip(first))
        {
            start.ArgumentList.Add(argument);
        }
        return Process.Start(start) ?? throw new ProgramException($"{program.Name}: cannot start {command[0]}");
    }

    /// <summary>Waits until the server accepts a connection on <paramref name="port"/>.</summary>
    private static void WaitForPort(int port, Process server, TimeSpan limit, string name)
    {
        Stopwatch waited = Stopwatch.StartNew();
        while (waited.Elapsed < limit)
        {
            if (server.HasExited)
            {
                throw new ProgramException($"{name}: its server exited with {server.ExitCode} before it took connections");
            }
            try
            {
                using TcpClient client = new();
                client.Connect(IPAddress.Loopback, port);
                return;
            }
            catch (SocketException)
            {
                Thread.Sleep(20);
            }
        }
        throw new ProgramException($"{name}: its server took no connection on port {port} within {limit.TotalSeconds} s");
    }

    private static int FreePort()
    {
        using TcpListener listener = new(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static List<string> OutputFiles(ProgramDefinition program, int threads, string cache, string work) =>
        Expand(program.Outputs, program, threads, cache, work, 0);

    private static List<string> Expand(IEnumerable<string> words, ProgramDefinition program, int threads, string cache, string work, int port)
    {
        string inputs = Path.Combine(ProgramCatalog.Directory ?? ".", "inputs");
        return [.. words.Select(w => w
            .Replace("{inputs}", inputs, StringComparison.Ordinal)
            .Replace("{cache}", cache, StringComparison.Ordinal)
            .Replace("{work}", work, StringComparison.Ordinal)
            .Replace(ProgramDefinition.ThreadsWord, threads.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("{port}", port.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal))];
    }

    /// <summary>SHA-256 of standard output and then of each output file (its bytes).</summary>
    private static string Digest(ProgramDefinition program, List<string> outputs, string stdout)
    {
        using IncrementalHash hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (string file in (IEnumerable<string>)[stdout, .. outputs])
        {
            if (!File.Exists(file))
            {
                throw new ProgramException($"{program.Name}: it wrote no {Path.GetFileName(file)}");
            }
            using FileStream stream = File.OpenRead(file);
            byte[] buffer = new byte[1 << 16];
            int n;
            while ((n = stream.Read(buffer)) > 0)
            {
                hash.AppendData(buffer, 0, n);
            }
        }
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    /// <summary>What identifies the definition: the hash of its fields that decide the input and the output.</summary>
    private static string Fingerprint(ProgramDefinition program)
    {
        string text = string.Join("\u0001", [.. program.Command, "|", .. program.Prepare, "|", program.Stdin ?? "", "|", .. program.Outputs,
            "|", .. program.Environment.OrderBy(e => e.Key, StringComparer.Ordinal).Select(e => $"{e.Key}={e.Value}"),
            "|", .. program.Server?.Command ?? []]);
        string inputs = Path.Combine(ProgramCatalog.Directory ?? ".", "inputs");
        // The shipped inputs that the definition names are part of it.
        foreach (string file in Directory.Exists(inputs) ? [.. Directory.GetFiles(inputs).Order(StringComparer.Ordinal)] : Array.Empty<string>())
        {
            if (text.Contains(Path.GetFileName(file), StringComparison.Ordinal))
            {
                text += "\u0001" + Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(file)));
            }
        }
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..16];
    }

    /// <summary>The programs' files as they are on this machine (a new version makes a new reference).</summary>
    private static string ExecutableStamp(ProgramDefinition program) =>
        string.Join(",", Executables(program).Select(e => new FileInfo(e)).Select(f => $"{f.Length}:{f.LastWriteTimeUtc.Ticks}"));

    private static string Tail(string text)
    {
        string oneLine = string.Join(" | ", text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).TakeLast(3));
        return oneLine.Length == 0 ? "(nothing on stderr)" : oneLine.Length > 300 ? oneLine[^300..] : oneLine;
    }

    private static void TryDelete(string folder)
    {
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
