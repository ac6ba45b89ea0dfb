using Workbench.Benchmarks.Analysis;
using Workbench.Benchmarks.Model;
using Workbench.Benchmarks.Results;
using Workbench.Benchmarks.Runner;
using Workbench.Figures;

namespace Workbench.Figures.Tests;

/// <summary>
/// What the notebooks call from the library: quick mode's scaling of one parameter cell, errors as one line in the
/// notebook's words, the progress line, the provenance under a run's first chart, and the computed conclusion.
/// </summary>
public sealed class NotebookHelperTests
{
    [Fact]
    public void QuickModeScalesTheFullSizeParametersDown_AndSaysWhatItCut()
    {
        // The notebook's own parameter lists, which quick mode must leave as they are.
        List<string> allocators = ["cfa", "glibc", "jemalloc", "tcmalloc"];
        Dictionary<KnobName, List<long>> knobs = new()
        {
            // churn.iterations: default 2,000,000, quick 100,000: a twentieth. slots: the same in both.
            [KnobName.Parse("churn.iterations")] = [4_000_000, 2_000_000, 1_000_000],
            [KnobName.Parse("churn.slots")] = [5_000],
        };
        SweepDefinition definition = new()
        {
            Benchmarks = ["churn"],
            Allocators = allocators,
            Threads = [1, 2, 4],
            Sizes = ["uniform:16-1024", "fixed:64", "pareto"],
            Knobs = knobs,
            Repetitions = 10,
        };
        string? line = Notebook.ScaleForQuick(definition);

        Assert.True(definition.Quick);
        Assert.Equal(["cfa", "glibc", "jemalloc"], definition.Allocators);
        Assert.Equal([1, 2], definition.Threads);
        Assert.Equal(["uniform:16-1024", "fixed:64"], definition.Sizes);
        Assert.Equal(Notebook.QuickRepetitions, definition.Repetitions);
        Assert.Equal([200_000L, 100_000L], definition.Knobs[KnobName.Parse("churn.iterations")]);
        Assert.Equal([5_000L], definition.Knobs[KnobName.Parse("churn.slots")]);
        Assert.NotNull(line);
        Assert.Contains("3 of 4 allocators (cfa, glibc, jemalloc)", line, StringComparison.Ordinal);
        Assert.Contains("2 of 10 repetitions", line, StringComparison.Ordinal);
        Assert.Contains("churn.iterations 4000000,2000000 scaled to 200000,100000", line, StringComparison.Ordinal);
        Assert.Equal(4, allocators.Count);
        Assert.Equal([4_000_000L, 2_000_000L, 1_000_000L], knobs[KnobName.Parse("churn.iterations")]);
        // The scaled sweep is still a valid one.
        Assert.Equal(3 * 2 * 2 * 2 * 2, SweepPlan.Expand(definition).Count);

        SweepDefinition small = new() { Benchmarks = ["churn"], Allocators = ["cfa"], Threads = [1], Repetitions = 2 };
        Assert.Null(Notebook.ScaleForQuick(small));
        Assert.True(small.Quick);
    }

    [Fact]
    public void ASweepParameterErrorIsOneLineInTheNotebooksWords()
    {
        SweepDefinition definition = new() { Name = "bad-allocator", Benchmarks = ["churn"], Allocators = ["cfa", "nosuch"], Repetitions = 1 };
        UsageException e = Assert.Throws<UsageException>(() => Notebook.Sweep(definition, log: TextWriter.Null));

        string shown = e.ToString();   // what a .NET Interactive kernel shows as the cell's error
        Assert.DoesNotContain('\n', shown);
        Assert.Contains("unknown allocator 'nosuch'", shown, StringComparison.Ordinal);
        Assert.Contains("Allocators = [\"cfa\", \"glibc\"]", shown, StringComparison.Ordinal);
        Assert.DoesNotContain("--", shown, StringComparison.Ordinal);
        Assert.DoesNotContain(".cs:line", shown, StringComparison.Ordinal);
    }

    [Fact]
    public void TheCliExamplesOfUsageErrorsBecomeWhatToWriteInASweepDefinition()
    {
        string threads = Assert.Throws<UsageException>(() => SweepPlan.Expand(new SweepDefinition { Benchmarks = ["churn"], Allocators = ["cfa"], Threads = [0] })).Message;
        Assert.Contains("--threads", threads, StringComparison.Ordinal);
        Assert.Equal("bad thread count 0: threads must be from 1 to 1024, e.g. Threads = [1, 2]", Notebook.InNotebookWords(threads));

        SweepDefinition noValue = new() { Benchmarks = ["churn"], Allocators = ["cfa"], Knobs = new() { [KnobName.Parse("churn.iterations")] = [] } };
        string knob = Notebook.InNotebookWords(Assert.Throws<UsageException>(() => SweepPlan.Expand(noValue)).Message);
        Assert.Contains("Knobs[KnobName.Parse(\"churn.iterations\")] = [VALUE]", knob, StringComparison.Ordinal);
        Assert.DoesNotContain("--set", knob, StringComparison.Ordinal);

        string warmup = Notebook.InNotebookWords(Assert.Throws<UsageException>(() => SweepPlan.Expand(new SweepDefinition { Benchmarks = ["churn"], Allocators = ["cfa"], Warmup = -1 })).Message);
        Assert.Contains("(Warmup, or warmup in an experiment file)", warmup, StringComparison.Ordinal);
        Assert.EndsWith("write e.g. Warmup = 1", warmup, StringComparison.Ordinal);
        Assert.DoesNotContain("--", warmup, StringComparison.Ordinal);
    }

    [Fact]
    public void AnUnknownBaselineInANotebookHelperIsOneLineListingTheRunsAllocators()
    {
        using Fixture fixture = new();
        ChartInputException e = Assert.Throws<ChartInputException>(() => new Conclusion().Compare(fixture.Run, "churn", "cfa", "foo"));

        Assert.Equal("baseline 'foo' is not in run 'fixture': choose one of cfa, glibc, jemalloc", e.ToString());
        Assert.Equal(
            "benchmark 'nosuch' is not in run 'fixture': choose one of churn, cache-thrash, latency, speed, memory",
            Assert.Throws<ChartInputException>(() => new Conclusion().Compare(fixture.Run, "nosuch", "cfa", "glibc")).ToString());
    }

    [Fact]
    public void TheConclusionStatesEachRatioWithItsIntervalAndTheVerdictItAllows()
    {
        using Fixture fixture = new();
        // The fixture's cfa takes exactly half glibc's time in every repetition, jemalloc three quarters.
        Conclusion conclusion = new Conclusion().Compare(fixture.Run, "churn", "cfa", "glibc");

        Assert.Equal(4, conclusion.Findings.Count); // 2 size distributions x 2 thread counts
        Assert.All(conclusion.Findings, f => Assert.Contains("cfa's time per operation is 0.50x glibc's", f, StringComparison.Ordinal));
        Assert.All(conclusion.Findings, f => Assert.EndsWith(": faster", f, StringComparison.Ordinal));
        Assert.Contains("churn, uniform:16-1024, 2 threads:", conclusion.Findings[1], StringComparison.Ordinal);
        Assert.Contains("3 repetitions paired", conclusion.Findings[0], StringComparison.Ordinal);
        Assert.EndsWith(": slower", new Conclusion().Compare(fixture.Run, "churn", "glibc", "jemalloc").Findings[0], StringComparison.Ordinal);
        Assert.Contains("<li>", conclusion.ToHtml(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0.8, 0.7, 0.9, "faster")]
    [InlineData(1.2, 1.1, 1.3, "slower")]
    [InlineData(0.9, 0.7, 1.1, "no clear difference")]
    [InlineData(0.5, double.NaN, double.NaN, "too few repetitions to tell")]
    public void TheVerdictFollowsTheIntervalNotTheRatio(double ratio, double low, double high, string verdict) =>
        Assert.Equal(verdict, Conclusion.Verdict(new Comparison(ratio, low, high, 0, 1, 0.5)));

    [Fact]
    public void TheProvenanceReadsTheRunsMetadata_ForTheAllocatorsItHas()
    {
        using Fixture fixture = new();
        Assert.Contains("no metadata.json", RunProvenance.Of(fixture.Run).ToString(), StringComparison.Ordinal);

        RunMetadata.Write(fixture.Directory, new SweepDefinition { Name = "fixture", Benchmarks = ["churn"] }, Shard.All, ["test"]);
        RunData run = RunData.Load(fixture.Directory);
        Assert.NotNull(run.Metadata);
        RunProvenance provenance = RunProvenance.Of(run);

        Assert.Equal(RunMetadata.GitCommit(), provenance.Commit);
        Assert.Contains($"{Environment.ProcessorCount} logical cores", provenance.Machine, StringComparison.Ordinal);
        Assert.Equal(["cfa", "glibc", "jemalloc"], provenance.Allocators.Select(a => a.Split(' ')[0]));
        Assert.Contains("glibc", provenance.Allocators[1], StringComparison.Ordinal);
        Assert.Contains("(libc6)", provenance.Allocators[1], StringComparison.Ordinal);
        Assert.Contains("<br/>", provenance.ToHtml(), StringComparison.Ordinal);
    }

    [Fact]
    public void TheProgressLineSaysTheTrialTheTimeElapsedAndTheTimeLeft()
    {
        TrialSpec spec = new() { Benchmark = "churn", Allocator = "cfa", Threads = 2, Sizes = "fixed:64", Repetition = 1, Knobs = [] };
        TrialRecord record = TrialRecord.FinishedNow(spec, new TrialResult { Status = TrialStatus.Ok, ElapsedSeconds = 0.0412, Operations = 1_000_000 }, isolated: true);
        // 3 of 12 done, 1 of them found done before: 2 trials in 6 s, so 9 left take about 27 s.
        string line = Notebook.ProgressLine(new TrialProgress(3, 12, record), TimeSpan.FromSeconds(6), doneAtStart: 1);

        Assert.Equal("[3/12] churn cfa 2t fixed:64 #1: ok 41.2 ns/op; 6 s elapsed, about 27 s left", line);
        Assert.Equal("[12/12]", new TrialProgress(12, 12, null).Line);
        Assert.Null(new TrialProgress(1, 12, null).Remaining(TimeSpan.FromSeconds(5), doneAtStart: 1));
        Assert.Equal("3 min 20 s", TrialProgress.Duration(TimeSpan.FromSeconds(200)));
        Assert.Equal("1 h 05 min", TrialProgress.Duration(TimeSpan.FromMinutes(65)));
    }

    [Fact]
    public void TheMedianOverRowsTakesTheOkRowsWithAValue()
    {
        using Fixture fixture = new();
        // glibc's churn at 1 thread, uniform sizes: 98, 100, 102 ns; a failed row and a row without the column are left out.
        List<ResultRow> rows = [.. fixture.Run.Of("churn").Where(r => r.Allocator == "glibc" && r.Threads == 1 && r.Sizes == "uniform:16-1024")];
        Assert.Equal(100, Describe.Median(rows, "ns_per_op"), 9);
        Assert.True(double.IsNaN(Describe.Median(rows, "no_such_column")));
        Assert.True(double.IsNaN(Describe.Median([], "ns_per_op")));
    }
}
