using Workbench.Benchmarks.Results;
using Workbench.Benchmarks.Tests;

namespace Workbench.Cli.Tests;

/// <summary>The command line: bad input gets one line that says what to type, a usage exit code and no stack trace.</summary>
public sealed class CliTests
{
    private static (int Code, string Out, string Err) Run(params string[] args)
    {
        using StringWriter output = new();
        using StringWriter error = new();
        int code = CliApp.Run(args, output, error);
        return (code, output.ToString(), error.ToString());
    }

    [Theory]
    [InlineData("unknown benchmark 'nosuch': use one of churn,", "run", "nosuch", "--allocators", "glibc")]
    [InlineData("unknown allocator 'glibcc': use one of cfa,cfa-noown,cfa-nopf,cfa-aot,glibc", "run", "churn", "--allocators", "glibcc")]
    [InlineData("unknown size spec 'bogus:1': write fixed:N, uniform:A-B", "run", "churn", "--allocators", "glibc", "--sizes", "bogus:1")]
    [InlineData("bad range '100-1' in size spec 'uniform:100-1'", "run", "churn", "--allocators", "glibc", "--sizes", "uniform:100-1")]
    [InlineData("bad thread count '0': threads must be whole numbers from 1 to 1024, e.g. --threads 1,2", "run", "churn", "--threads", "0")]
    [InlineData("bad shard '3/2': write --shard i/n", "run", "churn", "--allocators", "bump", "--shard", "3/2")]
    [InlineData("unknown knob 'colour' for churn: use one of iterations, slots", "run", "churn", "--set", "colour=3")]
    [InlineData("bad knob setting 'iterations': write --set NAME=VALUE", "run", "churn", "--set", "iterations")]
    [InlineData("cannot write to '/proc/workbench-test'", "run", "churn", "--allocators", "bump", "--out", "/proc/workbench-test")]
    [InlineData("experiment file 'missing.yaml' not found", "sweep", "missing.yaml")]
    [InlineData("no results at 'data/runs/does-not-exist'", "report", "data/runs/does-not-exist")]
    [InlineData("'frobnicate'", "frobnicate")]
    [InlineData("'run' needs BENCHMARK, e.g. workbench run churn", "run")]
    [InlineData("bad value 'many' for --repetitions: write a whole number", "run", "churn", "--repetitions", "many")]
    [InlineData("no command given: write one of list, run, sweep, quick, report, merge", new string[0])]
    [InlineData("--timeout needs trials in their own processes: drop --in-process", "run", "churn", "--allocators", "bump", "--in-process", "--timeout", "5")]
    public void BadInputGetsOneLineAndExitCodeTwo(string expected, params string[] args)
    {
        (int code, string output, string error) = Run(args);
        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains(expected, error, StringComparison.Ordinal);
        Assert.StartsWith("workbench: ", error, StringComparison.Ordinal);
        Assert.Single(error.TrimEnd('\n').Split('\n'));
        Assert.DoesNotContain("   at ", error, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", output + error, StringComparison.Ordinal);
    }

    [Fact]
    public void ListShowsEveryBenchmarkAndAllocator()
    {
        (int code, string output, string error) = Run("list");
        Assert.Equal(ExitCodes.Ok, code);
        Assert.Equal("", error);
        foreach (string name in new[] { "churn", "cache-thrash", "cache-scratch", "speed", "memory", "larson", "threadtest", "xmalloc-test", "glibc-simple", "glibc-thread", "mleak", "malloc-large", "mstress", "rptest", "shbench", "alloc-test", "async", "security", "latency", "cfa-noown", "cfa-aot", "arraypool", "bump", "lifo" })
        {
            Assert.Contains(name, output, StringComparison.Ordinal);
        }
        Assert.DoesNotContain("crash", output, StringComparison.Ordinal);
    }

    [Fact]
    public void QuickRunsTheQuickSuiteIntoTheRunFolderAndPrintsTheSummary()
    {
        // One share (1 of its 36 trials per allocator: 29 micro-benchmark trials, 5 committed traces and 2 real programs) of the quick suite on the floor allocator, in process, to keep the test short.
        string folder = TestRuns.NewFolder("quick");
        (int code, string output, string error) = Run("quick", "--allocators", "bump", "--in-process", "--shard", "1/36", "--out", folder);
        Assert.True(code == ExitCodes.Ok, error);
        Assert.Contains("1 trials in this shard: 0 already done, 1 ok", output, StringComparison.Ordinal);
        Assert.Contains("ns per operation", output, StringComparison.Ordinal);
        ResultsFile results = ResultsFile.Read(Path.Combine(folder, "results.csv"));
        Assert.Equal("churn", results.Rows.Single().Benchmark);
        Assert.Equal(100_000, results.Rows.Single().Knobs["iterations"]);
        Assert.True(File.Exists(Path.Combine(folder, "metadata.json")));
        // Its figures beside it, and the one to open named.
        string summary = output[(output.IndexOf("the summary: ", StringComparison.Ordinal) + "the summary: ".Length)..].Split('\n')[0].Trim();
        Assert.StartsWith(Path.Combine(folder, "figures") + Path.DirectorySeparatorChar, summary, StringComparison.Ordinal);
        Assert.True(File.Exists(summary), summary);
        Assert.True(File.Exists(Path.Combine(folder, "figures", "churn-repetitions.html")));
    }

    [Fact]
    public void RunThenReportPrintsTheSummaryTable()
    {
        string folder = TestRuns.NewFolder("cli");
        (int code, string output, string error) = Run("run", "churn,threadtest", "--allocators", "bump,glibc", "--quick", "--in-process",
            "--threads", "1", "--set", "iterations=50", "--set", "objects=100", "--repetitions", "2", "--out", folder);
        Assert.True(code == ExitCodes.Ok, error);
        Assert.Contains("8 ok", output, StringComparison.Ordinal);
        Assert.Contains("ns per operation", output, StringComparison.Ordinal);
        (code, output, error) = Run("report", folder, "--detailed");
        Assert.Equal(ExitCodes.Ok, code);
        Assert.Contains("p (test)", output, StringComparison.Ordinal);
        // Two repetitions of each allocator, numbered alike: the comparison pairs them.
        Assert.Contains("paired", output, StringComparison.Ordinal);
        Assert.Contains("threadtest", output, StringComparison.Ordinal);
        Assert.Contains("bump", output, StringComparison.Ordinal);
        (code, output, _) = Run("report", folder, "--markdown");
        Assert.Equal(ExitCodes.Ok, code);
        string[] table = [.. output.Split('\n').Where(l => l.StartsWith('|'))];
        Assert.Equal("| benchmark | config | glibc | bump |", table[0]);
        Assert.Equal(4, table.Length);
        Assert.Contains(" (1) |", table[2], StringComparison.Ordinal);

        // Any numeric column can be summarised instead of ns per op; benchmarks without it drop out.
        (code, output, _) = Run("report", folder, "--markdown", "--metric", "peak_rss_kib");
        Assert.Equal(ExitCodes.Ok, code);
        Assert.Contains("peak_rss_kib, mean of the repetitions", output, StringComparison.Ordinal);
        ResultsFile results = ResultsFile.Read(Path.Combine(folder, "results.csv"));
        double glibcChurnRss = results.Rows.Where(r => r.Benchmark == "churn" && r.Allocator == "glibc").Average(r => r.Number("peak_rss_kib"));
        string churnRow = output.Split('\n').Single(l => l.StartsWith("| churn", StringComparison.Ordinal));
        Assert.Contains($"| {glibcChurnRss.ToString("0", System.Globalization.CultureInfo.InvariantCulture)} (1) |", churnRow, StringComparison.Ordinal);
        // In the terminal too a KiB metric is a plain number: no time unit (it printed "49.65 us" for 49,650 KiB).
        (code, output, _) = Run("report", folder, "--metric", "peak_rss_kib", "--detailed");
        Assert.Equal(ExitCodes.Ok, code);
        Assert.DoesNotMatch(@"\d (us|ms)\b", output);
        Assert.Contains(glibcChurnRss.ToString("0", System.Globalization.CultureInfo.InvariantCulture), output, StringComparison.Ordinal);
        // bump against the best native peer (glibc is the only one here): one line per configuration.
        (code, output, error) = Run("report", folder, "--versus-best", "bump", "--markdown");
        Assert.True(code == ExitCodes.Ok, error);
        string[] best = [.. output.Split('\n').Where(l => l.StartsWith('|'))];
        Assert.Equal("| benchmark | config | bump | best peer | bump / best | paired [95% CI] |", best[0]);
        Assert.Equal(4, best.Length);
        Assert.All(best.Skip(2), l => Assert.Contains("| glibc ", l, StringComparison.Ordinal));
        (code, output, _) = Run("report", folder, "--versus-best", "bump");
        Assert.Equal(ExitCodes.Ok, code);
        Assert.Contains("best native peer", output, StringComparison.Ordinal);
        (code, _, error) = Run("report", folder, "--versus-best", "cfa");
        Assert.NotEqual(ExitCodes.Ok, code);
        Assert.Contains("has no results of allocator 'cfa': use one of", error, StringComparison.Ordinal);
        // Scaling needs trials at 1 thread and at more; this run has only 1.
        (code, _, error) = Run("report", folder, "--scaling");
        Assert.NotEqual(ExitCodes.Ok, code);
        Assert.Contains("needs trials at 1 thread and at more to show scaling: run them with --threads 1,2", error, StringComparison.Ordinal);
        (code, _, error) = Run("report", folder, "--metric", "no_such_column");
        Assert.NotEqual(ExitCodes.Ok, code);
        Assert.Contains("has no column 'no_such_column'", error, StringComparison.Ordinal);
    }

    [Fact]
    public void ReportNamesTheFileAndLineOfARowWithAnUnknownStatus_AndReadsTheOthers()
    {
        string folder = TestRuns.NewFolder("badstatus");
        (int code, _, string error) = Run("run", "churn", "--allocators", "bump", "--quick", "--in-process", "--set", "iterations=50", "--repetitions", "3", "--out", folder);
        Assert.True(code == ExitCodes.Ok, error);
        string file = Path.Combine(folder, "results.csv");
        string[] lines = File.ReadAllText(file).Split('\n');
        lines[2] = lines[2].Replace(",ok,", ",,", StringComparison.Ordinal);
        File.WriteAllText(file, string.Join('\n', lines));
        (code, string output, error) = Run("report", folder, "--detailed");
        Assert.True(code == ExitCodes.Ok, error);
        Assert.Equal($"workbench: warning: {file}:3: unknown status '': write ok, failed, timeout or skipped: the line is left out; fix or delete it (a resumed sweep runs its trial again)", error.Trim());
        Assert.Contains("bump", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("../../../outside")]
    [InlineData("..")]
    [InlineData("a/b")]
    public void AnExperimentNameThatLeavesTheRunsFolderIsRefused(string name)
    {
        string folder = TestRuns.NewFolder("name");
        string file = Path.Combine(folder, "escape.yaml");
        File.WriteAllText(file, $"name: \"{name}\"\nbenchmarks: [churn]\nallocators: [bump]\nthreads: [1]\nquick: true\nin_process: true\nknobs: {{ iterations: [50] }}\n");
        string work = Path.Combine(folder, "deep", "er", "still");
        Directory.CreateDirectory(work);
        string before = Directory.GetCurrentDirectory();
        (int code, string output, string error) result;
        try
        {
            // From a folder three levels down, data/runs/../../../outside is inside the test's folder: nothing may appear there.
            Directory.SetCurrentDirectory(work);
            result = Run("sweep", file);
        }
        finally
        {
            Directory.SetCurrentDirectory(before);
        }
        Assert.Equal(ExitCodes.Usage, result.code);
        Assert.Equal($"workbench: run name '{name}' is not one folder name: a run goes to data/runs/NAME, so write a name without '/' or '..', e.g. name: first-comparison (or give the folder with --out)", result.error.Trim());
        Assert.Empty(Directory.GetFiles(folder, "results.csv", SearchOption.AllDirectories));
    }

    [Fact]
    public void AnExperimentFileWithTimeoutInProcessIsRefused()
    {
        string file = Path.Combine(TestRuns.NewFolder("inproc"), "inproc.yaml");
        File.WriteAllText(file, "benchmarks: [churn]\nallocators: [bump]\nin_process: true\ntimeout_seconds: 5\n");
        (int code, _, string error) = Run("sweep", file);
        Assert.Equal(ExitCodes.Usage, code);
        Assert.Equal($"workbench: experiment file '{file}' sets timeout_seconds with in_process: true, and a trial in the runner's process cannot be stopped: drop in_process to have trials killed after timeout_seconds, or drop timeout_seconds", error.Trim());
    }
}
