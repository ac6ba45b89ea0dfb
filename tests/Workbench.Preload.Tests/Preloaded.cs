using System.Diagnostics;
using System.Text;
using Workbench.Benchmarks;

namespace Workbench.Preload.Tests;

/// <summary>What a process printed and how it ended.</summary>
/// <param name="Exit">Its exit code (128 + the signal's number when a signal ended it, as a shell reports it).</param>
/// <param name="Stdout">Its standard output.</param>
/// <param name="Stderr">Its standard error.</param>
public sealed record ProcessOutcome(int Exit, string Stdout, string Stderr)
{
    /// <summary>Everything it printed, for assertion messages.</summary>
    public override string ToString() => $"exit {Exit}\n--- stdout ---\n{Stdout}\n--- stderr ---\n{Stderr}";
}

/// <summary>
/// The library under test and the C programs of <c>programs/</c>: builds <c>artifacts/preload/libcfamalloc.so</c>
/// (scripts/build-preload.sh, which does nothing when it is up to date), compiles each program with gcc once per
/// test run, and runs programs with the library preloaded.
/// </summary>
public static class Preloaded
{
    private static readonly Lazy<string> s_library = new(Build);
    private static readonly string s_binaries = Directory.CreateTempSubdirectory("preload-tests-").FullName;
    private static readonly Dictionary<string, string> s_compiled = [];
    private static readonly Lock s_lock = new();

    /// <summary>The library's absolute path (built first when missing or older than its sources).</summary>
    public static string Library => s_library.Value;

    /// <summary>The folder of the library (for -L and rpath).</summary>
    public static string LibraryFolder => Path.GetDirectoryName(Library)!;

    /// <summary>The folder of the C header <c>cfamalloc.h</c>.</summary>
    public static string HeaderFolder => RepositoryPaths.FindFolder("lib/Preload/native")
        ?? throw new DirectoryNotFoundException("lib/Preload/native is not in the repository");

    /// <summary>
    /// Compiles <c>programs/NAME.c</c> (with <paramref name="flags"/>, e.g. "-shared" or libraries to link) and returns
    /// the binary's path; <paramref name="output"/> names it when it differs from NAME.
    /// </summary>
    public static string Compile(string name, string? output = null, params string[] flags)
    {
        string source = RepositoryPaths.FindFile($"tests/Workbench.Preload.Tests/programs/{name}.c")
            ?? throw new FileNotFoundException($"tests/Workbench.Preload.Tests/programs/{name}.c is not in the repository");
        string binary = Path.Combine(s_binaries, output ?? name);
        lock (s_lock)
        {
            if (s_compiled.ContainsKey(binary))
            {
                return binary;
            }
            ProcessOutcome gcc = Run("/usr/bin/gcc", ["-O1", "-Wall", "-Werror", "-pthread", $"-I{HeaderFolder}", source, "-o", binary, .. flags],
                new Dictionary<string, string?>(), TimeSpan.FromSeconds(120));
            Assert.True(gcc.Exit == 0, $"gcc {name}.c failed: {gcc}");
            s_compiled[binary] = binary;
            return binary;
        }
    }

    /// <summary>The flags that link a program against the library (it is then loaded first, like a preload).</summary>
    public static string[] LinkFlags => [$"-L{LibraryFolder}", "-lcfamalloc", $"-Wl,-rpath,{LibraryFolder}"];

    /// <summary>Runs <paramref name="program"/> with the library preloaded and <paramref name="environment"/> set.</summary>
    public static ProcessOutcome RunPreloaded(string program, IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null, int timeoutSeconds = 120)
    {
        Dictionary<string, string?> variables = new() { ["LD_PRELOAD"] = Library };
        foreach ((string name, string value) in environment ?? new Dictionary<string, string>())
        {
            variables[name] = value;
        }
        return Run(program, arguments, variables, TimeSpan.FromSeconds(timeoutSeconds));
    }

    /// <summary>Runs a program to its end, with these variables set (null: removed); fails the test when it runs past the limit.</summary>
    public static ProcessOutcome Run(string program, IEnumerable<string> arguments, IReadOnlyDictionary<string, string?> environment, TimeSpan limit)
    {
        ProcessStartInfo start = new(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        // The test host's own settings must not reach the program (or the runtime inside the library).
        foreach (string name in start.Environment.Keys.Where(k => k.StartsWith("CFA_MALLOC_", StringComparison.Ordinal) || k.StartsWith("DOTNET_", StringComparison.Ordinal) || k == "LD_PRELOAD").ToList())
        {
            start.Environment.Remove(name);
        }
        foreach ((string name, string? value) in environment)
        {
            if (value is null)
            {
                start.Environment.Remove(name);
            }
            else
            {
                start.Environment[name] = value;
            }
        }
        using Process process = Process.Start(start)!;
        StringBuilder stdout = new();
        StringBuilder stderr = new();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { lock (stdout) { stdout.AppendLine(e.Data); } } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { lock (stderr) { stderr.AppendLine(e.Data); } } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (!process.WaitForExit(limit))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            Assert.Fail($"{Path.GetFileName(program)} {string.Join(' ', arguments)} ran past {limit.TotalSeconds} s (hung?):\n{stdout}\n{stderr}");
        }
        process.WaitForExit();
        lock (stdout)
        {
            lock (stderr)
            {
                return new ProcessOutcome(process.ExitCode, stdout.ToString(), stderr.ToString());
            }
        }
    }

    private static string Build()
    {
        string script = RepositoryPaths.FindFile("scripts/build-preload.sh")
            ?? throw new FileNotFoundException("scripts/build-preload.sh is not in the repository");
        ProcessOutcome build = Run("/bin/bash", [script], new Dictionary<string, string?>(), TimeSpan.FromMinutes(10));
        Assert.True(build.Exit == 0, $"scripts/build-preload.sh failed: {build}");
        return RepositoryPaths.FindFile("artifacts/preload/libcfamalloc.so")
            ?? throw new FileNotFoundException("scripts/build-preload.sh made no artifacts/preload/libcfamalloc.so");
    }
}
