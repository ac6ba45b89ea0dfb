using Workbench.Benchmarks.Model;
using Workbench.Benchmarks.Results;
using Workbench.Benchmarks.Runner;
using Workbench.Benchmarks.Tests;
using Workbench.Benchmarks.Tests.Traces;
using Workbench.Benchmarks.Traces;
using Workbench.Cli;

namespace Workbench.Cli.Tests;

/// <summary>workbench trace record / import / info, and run trace-replay --trace, from the command line.</summary>
public sealed class TraceCliTests
{
    private static (int Code, string Out, string Err) Run(params string[] args)
    {
        using StringWriter output = new();
        using StringWriter error = new();
        int code = CliApp.Run(args, output, error);
        return (code, output.ToString(), error.ToString());
    }

    /// <summary>Runs a command that once hung for ever; fails the test instead of hanging the test run.</summary>
    private static (int Code, string Out, string Err) RunWithin30Seconds(string[] args)
    {
        Task<(int, string, string)> run = Task.Run(() => Run(args));
        Assert.True(run.Wait(TimeSpan.FromSeconds(30)), $"workbench {string.Join(' ', args)} did not finish in 30 s");
        return run.Result;
    }

    [Fact]
    public void RecordThenReplayOnThreeAllocators()
    {
        string folder = TestRuns.NewFolder("trace-cli");
        string trace = Path.Combine(folder, "sqlite3.trace");
        (int code, string output, string error) = Run("trace", "record", "-o", trace, "--",
            "sqlite3", ":memory:", "create table t(a, b); insert into t values (1, 'one'), (2, 'two'); select count(*) from t;");
        Assert.True(code == ExitCodes.Ok, error);
        Assert.Contains("recorded: sqlite3 :memory: create table t(a, b)", output, StringComparison.Ordinal);
        Assert.Contains("replay it: workbench run trace-replay --trace", output, StringComparison.Ordinal);
        Assert.True(File.Exists(trace));

        string run = Path.Combine(folder, "run");
        (code, output, error) = Run("run", "trace-replay", "--trace", trace, "--allocators", "cfa,glibc,mimalloc", "--in-process", "--out", run);
        Assert.True(code == ExitCodes.Ok, error);
        ResultsFile results = ResultsFile.Read(Path.Combine(run, "results.csv"));
        Assert.Equal(["cfa", "glibc", "mimalloc"], results.Rows.Select(r => r.Allocator));
        Assert.All(results.Rows, r => Assert.Equal($"trace:{trace}", r.Sizes));
        Assert.All(results.Rows, r => Assert.Equal(TrialStatus.Ok, r.Status));
    }

    [Fact]
    public void InfoDescribesACommittedTrace()
    {
        (int code, string output, string error) = Run("trace", "info", "data/traces/sqlite3.trace");
        Assert.True(code == ExitCodes.Ok, error);
        Assert.Contains("125,460 on 1 thread", output, StringComparison.Ordinal);
        Assert.Contains("2,123,381 bytes", output, StringComparison.Ordinal);
        Assert.Contains("16-31", output, StringComparison.Ordinal);
    }

    [Fact]
    public void ImportWritesATraceBesideTheRecording()
    {
        string folder = TestRuns.NewFolder("trace-import");
        string raw = Path.Combine(folder, "sqlite3.raw.zst");
        File.Copy(TraceTestData.Committed("sqlite3.raw.zst"), raw);
        (int code, string output, string error) = Run("trace", "import", raw);
        Assert.True(code == ExitCodes.Ok, error);
        Assert.Contains("62,738 allocations, 62,722 frees written", output, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(folder, "sqlite3.trace")));
    }

    [Theory]
    [InlineData("no trace file 'nope.trace'", "trace", "info", "nope.trace")]
    [InlineData("trace file 'nope.trace' not found: write trace:PATH", "run", "trace-replay", "--trace", "nope.trace", "--allocators", "glibc")]
    [InlineData("'record' needs PROGRAM, e.g. workbench trace record -- sqlite3 :memory: \"select 1\"; type 'workbench trace record --help'", "trace", "record")]
    public void BadInputGetsOneLineAndExitCodeTwo(string expected, params string[] args)
    {
        (int code, string output, string error) = Run(args);
        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains(expected, error, StringComparison.Ordinal);
        Assert.StartsWith("workbench: ", error, StringComparison.Ordinal);
        Assert.Single(error.TrimEnd('\n').Split('\n'));
        Assert.DoesNotContain("Exception", output + error, StringComparison.Ordinal);
    }

    [Fact]
    public void VerifyReadsEveryBlockAndNamesTheFirstBadOne()
    {
        string folder = TestRuns.NewFolder("trace-verify");
        byte[] trace = TraceTestData.Write(TraceTestData.RandomEvents(40_000, threads: 2, seed: 11)).ToArray();
        List<long> blocks = TraceTestData.BlockOffsets(trace);
        Assert.True(blocks.Count >= 4, $"{blocks.Count} blocks");
        string good = Path.Combine(folder, "good.trace");
        File.WriteAllBytes(good, trace);
        (int code, string output, string error) = Run("trace", "verify", good);
        Assert.True(code == ExitCodes.Ok, error);
        Assert.Contains("ok, 40,000 events in every block checked against the summary", output, StringComparison.Ordinal);

        // A flipped byte in the data, the length or the CRC of each events block: info reads only the summary and
        // still exits 0; verify names the damaged block.
        foreach (long block in blocks.Take(blocks.Count - 1))
        {
            foreach (int into in new[] { TraceFormat.BlockHeaderBytes + 5, 14, 6 })
            {
                byte[] damaged = (byte[])trace.Clone();
                damaged[block + into] ^= 0x21;
                string path = Path.Combine(folder, $"damaged-{block}-{into}.trace");
                File.WriteAllBytes(path, damaged);
                (code, _, error) = Run("trace", "info", path);
                Assert.True(code == ExitCodes.Ok, error);
                (code, output, error) = Run("trace", "verify", path);
                Assert.Equal(ExitCodes.Usage, code);
                Assert.Contains($"is unreadable at byte offset {block}:", error, StringComparison.Ordinal);
                Assert.Single(error.TrimEnd('\n').Split('\n'));
                Assert.DoesNotContain("Exception", output + error, StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public void VerifyFindsASummaryThatTheEventsDoNotAddUpTo()
    {
        // Within every bound the file sets (so opening it succeeds), but not what the events give.
        string path = Path.Combine(TestRuns.NewFolder("trace-verify-summary"), "lying.trace");
        byte[] small = ForgedTraces.Small();
        TraceInfo info = ForgedTraces.SummaryOf(small);
        byte[] lying = ForgedTraces.WithSummary(small, ForgedTraces.Change(info, peakLiveObjects: 3));
        File.WriteAllBytes(path, lying);
        (int code, _, string error) = Run("trace", "verify", path);
        Assert.Equal(ExitCodes.Usage, code);
        long summaryAt = BitConverter.ToInt64(lying, TraceFormat.SummaryOffsetField);
        Assert.Contains($"is unreadable at byte offset {summaryAt}: corrupted: the summary's peak live objects is 3, but the events give 2", error, StringComparison.Ordinal);
    }

    [Fact]
    public void ATraceThatIsAFifoOrADeviceIsRefusedAtOnce()
    {
        // A FIFO without a writer blocked the open for ever (trace info, verify and replay alike).
        string folder = TestRuns.NewFolder("trace-special");
        string fifo = SpecialFiles.Fifo(Path.Combine(folder, "fifo.trace"));
        string zeros = SpecialFiles.EndlessZeros(Path.Combine(folder, "zeros.trace"));
        foreach (string path in new[] { fifo, zeros })
        {
            foreach (string[] args in new[]
            {
                new[] { "trace", "info", path },
                new[] { "trace", "verify", path },
                new[] { "run", "trace-replay", "--trace", path, "--allocators", "glibc", "--in-process", "--out", Path.Combine(folder, "run") },
            })
            {
                (int code, string output, string error) = RunWithin30Seconds(args);
                Assert.Equal(ExitCodes.Usage, code);
                Assert.Contains($"trace '{path}' is unreadable at byte offset 0: not a regular file (a device, a FIFO or a directory)", error, StringComparison.Ordinal);
                Assert.Single(error.TrimEnd('\n').Split('\n'));
                Assert.DoesNotContain("Exception", output + error, StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public void ATraceThatPeaksAboveTheTrialsMemoryIsRefusedInOneLine()
    {
        // A genuine trace (its summary within every bound) of 4 million objects all live at once, replayed by trial
        // processes limited to 192 MiB of managed heap: the replay tables alone would need about 370 MiB.
        string folder = TestRuns.NewFolder("trace-peak");
        string trace = Path.Combine(folder, "peak.trace");
        using (TraceWriter writer = TraceWriter.Create(trace, "4 million live objects"))
        {
            for (int i = 0; i < 4_000_000; i++)
            {
                writer.Malloc(0, 1);
            }
        }
        Dictionary<string, string> limit = new() { ["DOTNET_GCHeapHardLimit"] = "0xC000000" };
        string whole = Path.Combine(folder, "whole");
        (int _, string _, string error) = WorkbenchProcess.Run(limit, "run", "trace-replay", "--trace", trace, "--allocators", "bump", "--out", whole);
        ResultRow row = ResultsFile.Read(Path.Combine(whole, "results.csv")).Rows.Single();
        Assert.True(row.Status == TrialStatus.Failed, error);
        Assert.Contains("has 4000000 objects live at its peak, and their replay tables would take about 366 MiB, more than half of the 192 MiB this process may use: replay its first events only (--set max_events=", row.Text("message"), StringComparison.Ordinal);
        Assert.DoesNotContain("OutOfMemory", row.Text("message"), StringComparison.Ordinal);

        // Its first 100,000 events need 100,000 slots, not 4 million.
        string part = Path.Combine(folder, "part");
        (_, _, error) = WorkbenchProcess.Run(limit, "run", "trace-replay", "--trace", trace, "--allocators", "bump", "--set", "max_events=100000", "--out", part);
        row = ResultsFile.Read(Path.Combine(part, "results.csv")).Rows.Single();
        Assert.True(row.Status == TrialStatus.Ok, $"{row.Text("message")} {error}");
        Assert.Equal(100_000, row.Number("ops"));
    }

    [Fact]
    public void AForgedSummaryIsRefusedBeforeAnyTrialRuns()
    {
        // 244 bytes that claim 50 million live objects: the replay once sized its tables from that (7.56 GB) and said ok.
        string folder = TestRuns.NewFolder("trace-forged");
        string trace = Path.Combine(folder, "forged.trace");
        byte[] small = ForgedTraces.Small();
        File.WriteAllBytes(trace, ForgedTraces.WithSummary(small, ForgedTraces.Change(ForgedTraces.SummaryOf(small), peakLiveObjects: 50_000_000)));
        foreach (string[] args in new[]
        {
            new[] { "trace", "info", trace },
            new[] { "run", "trace-replay", "--trace", trace, "--allocators", "glibc", "--in-process", "--out", Path.Combine(folder, "run") },
        })
        {
            (int code, string output, string error) = Run(args);
            Assert.Equal(ExitCodes.Usage, code);
            Assert.Contains("claims peak live objects = 50000000, but that must be at most the allocations (3)", error, StringComparison.Ordinal);
            Assert.Single(error.TrimEnd('\n').Split('\n'));
            Assert.DoesNotContain("Exception", output + error, StringComparison.Ordinal);
        }
        Assert.False(File.Exists(Path.Combine(folder, "run", "results.csv")));
    }

    [Fact]
    public void ImportRefusesAFileThatIsNotARecording()
    {
        string target = Path.Combine(TestRuns.NewFolder("trace-not-raw"), "readme.trace");
        (int code, _, string error) = Run("trace", "import", TraceTestData.Committed("README.md"), "-o", target);
        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains("is not a heaptrack raw recording", error, StringComparison.Ordinal);
        Assert.Single(error.TrimEnd('\n').Split('\n'));
        Assert.False(File.Exists(target));
    }

    [Fact]
    public void RecordWithoutHeaptrackSaysWhichPackageToInstall()
    {
        string? path = Environment.GetEnvironmentVariable("PATH");
        Environment.SetEnvironmentVariable("PATH", "/nonexistent");
        try
        {
            (int code, _, string error) = Run("trace", "record", "--", "sqlite3", ":memory:", "select 1");
            Assert.Equal(ExitCodes.Usage, code);
            Assert.Equal("workbench: heaptrack is not installed, and workbench trace record needs it: install the Debian package heaptrack (apt-get install heaptrack, or run bash scripts/setup-traces.sh as root)", error.TrimEnd('\n'));
        }
        finally
        {
            Environment.SetEnvironmentVariable("PATH", path);
        }
    }
}
