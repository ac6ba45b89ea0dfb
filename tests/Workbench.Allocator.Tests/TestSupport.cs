using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Workbench.Allocator.Tests;

/// <summary>Small helpers shared by the allocator tests.</summary>
internal static unsafe partial class Support
{
    public static readonly nuint Page = (nuint)Environment.SystemPageSize;

    /// <summary>
    /// Runs <paramref name="body"/> on a new thread, whose heap is then only its own (made before the body runs; it may
    /// be a pooled heap of a thread that ended, not a new one), and rethrows what the body threw, with its stack.
    /// </summary>
    public static void OnOwnThread(Action body)
    {
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                CfaMalloc.Free(CfaMalloc.Malloc(1));
                body();
            }
            catch (Exception e)
            {
                failure = e;
            }
        });
        thread.Start();
        thread.Join();
        if (failure != null)
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(failure).Throw();
    }

    /// <summary>Every power of two from 16 to 2 MiB.</summary>
    public static IEnumerable<nuint> Alignments()
    {
        for (nuint a = 16; a <= 2 * 1024 * 1024; a *= 2)
            yield return a;
    }

    public static TheoryData<ulong> AlignmentData()
    {
        var data = new TheoryData<ulong>();
        foreach (nuint a in Alignments())
            data.Add(a);
        return data;
    }

    /// <summary>
    /// The bucket payloads the contract lists: 16..128 step 16; four steps per power of two up to
    /// 4 KiB; eight steps per power of two up to 4 MiB.
    /// </summary>
    public static List<nuint> Buckets()
    {
        var list = new List<nuint>();
        for (nuint s = 16; s <= 128; s += 16)
            list.Add(s);
        for (nuint p = 128; p < 4096; p *= 2)
            for (nuint k = 1; k <= 4; k++)
                list.Add(p + k * p / 4);
        for (nuint p = 4096; p < 4 * 1024 * 1024; p *= 2)
            for (nuint k = 1; k <= 8; k++)
                list.Add(p + k * p / 8);
        return list;
    }

    /// <summary>The smallest bucket payload that holds <paramref name="request"/>.</summary>
    public static nuint BucketFor(nuint request)
    {
        foreach (nuint b in Buckets())
            if (b >= request)
                return b;
        throw new ArgumentOutOfRangeException(nameof(request));
    }

    public static void NotNull(void* p, string what)
    {
        Assert.True(p != null, $"{what} returned null (LastError {CfaMalloc.LastError})");
    }

    /// <summary>Fills the block's whole usable size with its pattern; returns the seed.</summary>
    public static ulong FillUsable(void* p)
    {
        nuint usable = CfaMalloc.MallocUsableSize(p);
        ulong seed = Testing.Pattern.SeedFor(p, usable);
        Testing.Pattern.Fill(p, usable, seed);
        return seed;
    }

    public static void AssertPattern(void* p, nuint length, ulong seed, string what)
    {
        long at = Testing.Pattern.Check(p, length, seed);
        Assert.True(at < 0, $"{what}: pattern broken at byte {at} of {length}");
    }

    public static void AssertBytes(void* p, nuint length, byte value, string what)
    {
        long at = Testing.Pattern.CheckByte(p, length, value);
        Assert.True(at < 0, $"{what}: byte {at} of {length} is 0x{(at < 0 ? 0 : ((byte*)p)[at]):x2}, expected 0x{value:x2}");
    }

    /// <summary>The default size of the mapping cache (AllocatorOptions.MappingCache).</summary>
    public const int DefaultMappingCache = 32 * 1024 * 1024;

    /// <summary>
    /// Runs <paramref name="body"/> with the mapping cache off (and empty), so that every large
    /// request maps and every large free unmaps; the default cache is back afterwards.
    /// </summary>
    public static void WithoutMappingCache(Action body)
    {
        Assert.Equal(1, CfaMalloc.Mallopt(CfaMalloc.M_MMAP_CACHE, 0));
        try
        {
            body();
        }
        finally
        {
            Assert.Equal(1, CfaMalloc.Mallopt(CfaMalloc.M_MMAP_CACHE, DefaultMappingCache));
        }
    }

    /// <summary>Runs <paramref name="body"/> on a fresh thread and waits for it (rethrowing its failure).</summary>
    public static void OnThread(Action body, int timeoutMs = 120_000)
    {
        Exception? failure = null;
        var t = new Thread(() =>
        {
            try
            {
                body();
            }
            catch (Exception e)
            {
                failure = e;
            }
        }, 16 << 20)
        { IsBackground = true };
        t.Start();
        Assert.True(t.Join(timeoutMs), $"the thread did not finish within {timeoutMs} ms (a hang?)");
        if (failure != null)
            throw new Xunit.Sdk.XunitException("failure on the helper thread: " + failure);
    }
}

/// <summary>What one run of the probe printed.</summary>
internal sealed class ProbeResult
{
    public required string Scenario { get; init; }
    public required int ExitCode { get; init; }
    public required string Stdout { get; init; }
    public required string Stderr { get; init; }
    public Dictionary<string, string> Values { get; } = new(StringComparer.Ordinal);
    public List<KeyValuePair<string, string>> Lines { get; } = [];

    public string Describe() => $"probe '{Scenario}' exit {ExitCode}\n--- stdout ---\n{Stdout}\n--- stderr ---\n{Stderr}";

    public string Get(string key)
    {
        Assert.True(Values.TryGetValue(key, out var v), $"the probe printed no {key}\n{Describe()}");
        return v!;
    }

    public long GetLong(string key) => long.Parse(Get(key), CultureInfo.InvariantCulture);

    public void AssertRan()
    {
        Assert.True(ExitCode == 0 && Values.ContainsKey("DONE"), $"the probe did not run to its end\n{Describe()}");
    }

    public void AssertEqual(string key, string expected) =>
        Assert.True(Get(key) == expected, $"{key}: expected '{expected}', got '{Get(key)}'\n{Describe()}");
}

/// <summary>Starts tests/Workbench.Allocator.Probe in a child process with a chosen environment.</summary>
internal static partial class Probe
{
    private const string DllName = "Workbench.Allocator.Probe.dll";

    private static readonly Lazy<string> s_path = new(Locate);

    private static string Locate()
    {
        string baseDir = AppContext.BaseDirectory;
        var candidates = new List<string> { Path.Combine(baseDir, "probe", DllName) };
        // Fallback: the probe's own bin folder next to the tests' project folder.
        var dir = new DirectoryInfo(baseDir);
        for (int up = 0; up < 6 && dir != null; up++, dir = dir.Parent)
        {
            foreach (string config in new[] { "Release", "Debug" })
                candidates.Add(Path.Combine(dir.FullName, "Workbench.Allocator.Probe", "bin", config, "net10.0", DllName));
        }
        foreach (string c in candidates)
            if (File.Exists(c))
                return c;
        throw new FileNotFoundException(
            "The probe program was not found; build tests/Workbench.Allocator.Probe (the test project's build copies it to probe/). Looked in:\n"
            + string.Join("\n", candidates));
    }

    [GeneratedRegex("^([A-Z0-9_.]+)=(.*)$")]
    private static partial Regex LineRegex();

    /// <summary>The debug build of the probe, which the test project's build puts in probe-debug/.</summary>
    private static string LocateDebugBuild()
    {
        string path = Path.Combine(AppContext.BaseDirectory, "probe-debug", DllName);
        return File.Exists(path) ? path
            : throw new FileNotFoundException($"The debug build of the probe is not at {path}; build tests/Workbench.Allocator.Tests (its CopyDebugProbe target makes it).");
    }

    public static ProbeResult Run(string scenario, params (string Name, string Value)[] environment) =>
        RunBuild(s_path.Value, scenario, environment);

    /// <summary>Runs <paramref name="scenario"/> in the debug build of the probe and the allocator.</summary>
    public static ProbeResult RunDebugBuild(string scenario, params (string Name, string Value)[] environment) =>
        RunBuild(LocateDebugBuild(), scenario, environment);

    private static ProbeResult RunBuild(string probe, string scenario, (string Name, string Value)[] environment)
    {
        var psi = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add(probe);
        psi.ArgumentList.Add(scenario);
        foreach (var key in psi.Environment.Keys.ToList())
            if (key.StartsWith("CFA_MALLOC_", StringComparison.Ordinal))
                psi.Environment.Remove(key);
        foreach (var (name, value) in environment)
            psi.Environment[name] = value;
        using var process = Process.Start(psi)!;
        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        process.OutputDataReceived += (_, e) => { if (e.Data != null) lock (stdout) stdout.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data != null) lock (stderr) stderr.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (!process.WaitForExit(180_000))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            Assert.Fail($"probe '{scenario}' did not finish in 180 s (a hang?)\n{stdout}\n{stderr}");
        }
        process.WaitForExit();
        var result = new ProbeResult { Scenario = scenario, ExitCode = process.ExitCode, Stdout = stdout.ToString(), Stderr = stderr.ToString() };
        foreach (string line in result.Stdout.Split('\n'))
        {
            var m = LineRegex().Match(line.TrimEnd('\r'));
            if (!m.Success)
                continue;
            result.Values[m.Groups[1].Value] = m.Groups[2].Value;
            result.Lines.Add(new(m.Groups[1].Value, m.Groups[2].Value));
        }
        return result;
    }
}
