using System.Text.RegularExpressions;

namespace Workbench.Preload.Tests;

/// <summary>Processes and threads over their lives: fork, thousands of threads, allocation on the way out.</summary>
public sealed partial class LifetimeTests
{
    /// <summary>programs/fork.c: 50 forks while 4 threads allocate; each child allocates and starts threads, and exits 0.</summary>
    [Fact]
    public void Fork_WhileThreadsAllocate_LeavesAWorkingChild()
    {
        string program = Preloaded.Compile("fork");
        ProcessOutcome run = Preloaded.RunPreloaded(program, [], timeoutSeconds: 300);
        Assert.True(run.Exit == 0 && run.Stdout.Contains("ok", StringComparison.Ordinal), run.ToString());
    }

    /// <summary>
    /// programs/thread_churn.c: 1,000 threads created and ended (joined and detached). Each got a heap and gave it
    /// back; the resident set after them is within 4 MiB of the one after the first 100 (each exited thread's heap
    /// goes to the next), the pool made few more heaps than the threads alive at once, and the hosted runtime never
    /// collected.
    /// </summary>
    [Fact]
    public void AThousandThreads_CreatedAndEnded_KeepTheResidentSetBounded()
    {
        string program = Preloaded.Compile("thread_churn");
        ProcessOutcome run = Preloaded.RunPreloaded(program, ["1000"], new Dictionary<string, string> { ["CFA_MALLOC_STATS"] = "1" });
        Assert.True(run.Exit == 0 && run.Stdout.Contains("ok", StringComparison.Ordinal), run.ToString());
        Match rss = RssLine().Match(run.Stdout);
        Assert.True(rss.Success, run.ToString());
        long first = long.Parse(rss.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        long last = long.Parse(rss.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(last - first < 4096, $"the resident set grew from {first} KiB after 100 threads to {last} KiB after 1,000\n{run}");
        PrintedStatistics statistics = PrintedStatistics.From(run.Stderr);
        // Every worker got a heap at its first call, and gave it back when it ended.
        Assert.True(statistics.ThreadsStarted >= 1001 && statistics.ThreadsExited >= 1000, statistics.Text);
        Assert.True(statistics.HeapsNew <= 20, $"{statistics.HeapsNew} heaps made for at most 17 threads alive at once\n{statistics.Text}");
        Assert.Equal(0, statistics.Collections);
    }

    /// <summary>
    /// programs/exit_paths.c: key destructors that run past the rounds in which a thread keeps its heap, and an atexit
    /// handler on a process whose main thread left with pthread_exit, free, reallocate and allocate; every byte holds
    /// and the process ends (the runtime has no thread of its own to keep it alive).
    /// </summary>
    [Fact]
    public void AllocationOnTheWayOut_OfThreadsAndOfTheProcess_Works()
    {
        string program = Preloaded.Compile("exit_paths");
        ProcessOutcome run = Preloaded.RunPreloaded(program, [], new Dictionary<string, string> { ["CFA_MALLOC_STATS"] = "1" }, timeoutSeconds: 60);
        Assert.True(run.Exit == 0 && run.Stdout.Contains("ok", StringComparison.Ordinal), run.ToString());
        Assert.True(PrintedStatistics.From(run.Stderr).Calls("realloc") > 0, run.ToString());
    }

    [GeneratedRegex(@"rss_kib first=(\d+) last=(\d+)")]
    private static partial Regex RssLine();
}
