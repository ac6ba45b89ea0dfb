using Workbench.Benchmarks.Model;
using Workbench.Benchmarks.Results;

namespace Workbench.Benchmarks.Tests;

/// <summary>results.csv: round trip, the fixed columns first, header growth, an interrupted last line.</summary>
public sealed class ResultsFileTests
{
    private static TrialRecord Result(string benchmark, int repetition, TrialStatus status, string message = "", Dictionary<string, double>? metrics = null, Dictionary<string, long>? knobs = null)
    {
        TrialSpec spec = new()
        {
            Benchmark = benchmark,
            Allocator = "glibc",
            Threads = 2,
            Sizes = "uniform:16-1024",
            Repetition = repetition,
            Knobs = new SortedDictionary<string, long>(knobs ?? new Dictionary<string, long> { ["iterations"] = 1000 }),
        };
        TrialResult r = new()
        {
            Status = status,
            ElapsedSeconds = 1.5,
            Operations = 3_000_000,
            UserSeconds = 2.25,
            SystemSeconds = 0.125,
            PeakRssKib = 12345,
            PageFaults = 3,
            PageReclaims = 4567,
            Message = message,
        };
        foreach ((string k, double v) in metrics ?? [])
        {
            r.Metrics[k] = v;
        }
        return new TrialRecord(spec, r, Isolated: true, FinishedUtc: "2026-01-01T00:00:00Z");
    }

    [Fact]
    public void RowsRoundTripWithTheIssuesColumnsFirst()
    {
        string folder = TestRuns.NewFolder("csv");
        string path = Path.Combine(folder, "results.csv");
        ResultsFile file = new(path);
        file.Append(Result("churn", 1, TrialStatus.Ok, metrics: new() { ["malloc_p99_ns"] = 123.5 }));
        file.Append(Result("churn", 2, TrialStatus.Failed, "died: \"quoted\", with comma\nand a line break"));

        string header = File.ReadLines(path).First();
        Assert.StartsWith("benchmark,allocator,threads,sizes,repetition,status,elapsed_s,ops,ns_per_op,user_s,sys_s,peak_rss_kib,page_faults,page_reclaims,iterations,", header);

        ResultsFile back = ResultsFile.Read(path);
        Assert.Equal(2, back.Rows.Count);
        ResultRow ok = back.Rows[0];
        Assert.Equal("churn", ok.Benchmark);
        Assert.Equal(2, ok.Threads);
        Assert.Equal(TrialStatus.Ok, ok.Status);
        Assert.Equal(1.5, ok.Number("elapsed_s"));
        Assert.Equal(3_000_000, ok.Number("ops"));
        Assert.Equal(500, ok.Number("ns_per_op"));
        Assert.Equal(2_000_000, ok.Number("ops_per_s"));
        Assert.Equal(2.25, ok.Number("user_s"));
        Assert.Equal(12345, ok.Number("peak_rss_kib"));
        Assert.Equal(3, ok.Number("page_faults"));
        Assert.Equal(4567, ok.Number("page_reclaims"));
        Assert.Equal(123.5, ok.Number("malloc_p99_ns"));
        Assert.Equal(1000, ok.Knobs["iterations"]);
        ResultRow failed = back.Rows[1];
        Assert.Equal(TrialStatus.Failed, failed.Status);
        Assert.Equal("died: \"quoted\", with comma\nand a line break", failed.Text("message"));
        Assert.Equal("", failed.Text("elapsed_s"));
        Assert.Equal(Result("churn", 1, TrialStatus.Ok).Spec.Key, ok.Key);
    }

    [Fact]
    public void ANewKnobOrMetricGrowsTheHeaderAndKeepsEarlierRows()
    {
        string path = Path.Combine(TestRuns.NewFolder("grow"), "results.csv");
        ResultsFile file = new(path);
        file.Append(Result("churn", 1, TrialStatus.Ok));
        file.Append(Result("larson", 1, TrialStatus.Ok, metrics: new() { ["threads_started"] = 4 }, knobs: new() { ["duration_ms"] = 10, ["chunks"] = 5 }));
        ResultsFile back = ResultsFile.Read(path);
        Assert.Equal(["chunks", "duration_ms", "iterations"], ResultColumns.KnobsOf(back.Header));
        Assert.Equal(["threads_started"], ResultColumns.MetricsOf(back.Header));
        Assert.Equal(1000, back.Rows[0].Knobs["iterations"]);
        Assert.False(back.Rows[0].Knobs.ContainsKey("chunks"));
        Assert.Equal(5, back.Rows[1].Knobs["chunks"]);
        Assert.Equal(4, back.Rows[1].Number("threads_started"));
    }

    [Fact]
    public void AnInterruptedLastLineIsDroppedAndCutOffBeforeTheNextAppend()
    {
        string path = Path.Combine(TestRuns.NewFolder("cut"), "results.csv");
        ResultsFile file = new(path);
        file.Append(Result("churn", 1, TrialStatus.Ok));
        file.Append(Result("churn", 2, TrialStatus.Ok));
        // Simulate a write cut short: half of a third row, no line break.
        string text = File.ReadAllText(path);
        string lastLine = text.TrimEnd('\n')[(text.TrimEnd('\n').LastIndexOf('\n') + 1)..];
        File.AppendAllText(path, lastLine[..(lastLine.Length / 2)]);

        ResultsFile reopened = new(path);
        Assert.Equal(2, reopened.Rows.Count);
        reopened.Append(Result("churn", 3, TrialStatus.Ok));
        ResultsFile back = ResultsFile.Read(path);
        Assert.Equal([1, 2, 3], back.Rows.Select(r => r.Repetition));
        Assert.EndsWith("\n", File.ReadAllText(path), StringComparison.Ordinal);
    }

    [Fact]
    public void CsvEscapingRoundTrips()
    {
        string[] fields = ["plain", "with,comma", "with \"quotes\"", "multi\nline", ""];
        string line = CsvFormat.Line(fields) + "\n";
        List<List<string>> parsed = CsvFormat.Parse(line, out int tail);
        Assert.Equal(0, tail);
        Assert.Equal(fields, parsed.Single());
    }

    /// <summary>A results file of four rows (lines 2 to 5) whose line <paramref name="line"/> is replaced by <paramref name="edit"/> of itself.</summary>
    private static string FileWithEditedLine(string prefix, int line, Func<string, string> edit)
    {
        string path = Path.Combine(TestRuns.NewFolder(prefix), "results.csv");
        ResultsFile file = new(path);
        for (int r = 1; r <= 4; r++)
        {
            file.Append(Result("churn", r, TrialStatus.Ok, message: $"row {r}"));
        }
        string[] lines = File.ReadAllText(path).Split('\n');
        lines[line - 1] = edit(lines[line - 1]);
        File.WriteAllText(path, string.Join('\n', lines));
        return path;
    }

    [Fact]
    public void AnUnmatchedQuoteHidesNoRow_TheLineIsNamedWithItsFileAndNumber()
    {
        // Line 3 (repetition 2) gets a lone quote in its message: RFC 4180 reading swallowed every line after it.
        string path = FileWithEditedLine("quote", 3, l => l.Replace("row 2", "row \"2", StringComparison.Ordinal));
        ResultsFile file = ResultsFile.Read(path);
        Assert.Equal([1, 3, 4], file.Rows.Select(r => r.Repetition));
        string problem = Assert.Single(file.Problems);
        Assert.StartsWith($"{path}:3: an unmatched '\"'", problem, StringComparison.Ordinal);

        // A rewrite (a new metric grows the header) keeps the bad line for the user to fix, in its place.
        file.Append(Result("churn", 2, TrialStatus.Ok, metrics: new() { ["new_metric"] = 1 }));
        string[] lines = File.ReadAllText(path).Split('\n');
        Assert.Contains("row \"2", lines[2], StringComparison.Ordinal);
        ResultsFile back = ResultsFile.Read(path);
        Assert.Equal([1, 3, 4, 2], back.Rows.Select(r => r.Repetition));
        Assert.StartsWith($"{path}:3: ", Assert.Single(back.Problems), StringComparison.Ordinal);
    }

    [Fact]
    public void AQuotedLineBreakStaysOneRecord_AndAShortLineIsNamed()
    {
        string path = Path.Combine(TestRuns.NewFolder("multiline"), "results.csv");
        ResultsFile file = new(path);
        file.Append(Result("churn", 1, TrialStatus.Failed, message: "first line\nsecond line"));
        file.Append(Result("churn", 2, TrialStatus.Ok));
        File.AppendAllText(path, "churn,glibc,2\n");
        file = new ResultsFile(path);
        file.Append(Result("churn", 3, TrialStatus.Ok));
        ResultsFile back = ResultsFile.Read(path);
        Assert.Equal([1, 2, 3], back.Rows.Select(r => r.Repetition));
        Assert.Equal("first line\nsecond line", back.Rows[0].Text("message"));
        Assert.Matches(@"results\.csv:5: 3 fields where the header has \d+: the line is left out", Assert.Single(back.Problems));
    }

    [Fact]
    public void AnUnknownStatusIsNamedWithItsFileAndLine_AndTheOtherRowsAreRead()
    {
        string path = FileWithEditedLine("status", 4, l => l.Replace(",ok,", ",,", StringComparison.Ordinal));
        ResultsFile file = ResultsFile.Read(path);
        Assert.Equal([1, 2, 4], file.Rows.Select(r => r.Repetition));
        Assert.StartsWith($"{path}:4: unknown status '': write ok, failed, timeout or skipped", Assert.Single(file.Problems), StringComparison.Ordinal);
        // A resumed sweep runs that trial again: its row is not among the done ones.
        Assert.Equal(3, file.DoneKeys().Count);
    }
}
