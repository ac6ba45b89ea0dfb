namespace Workbench.Preload.Tests;

/// <summary>
/// Every block a preloaded program allocates once the library has started comes from cfa-malloc: its statistics count
/// every call, and the calls glibc serves (the runtime's own start, and each thread's attach) do not grow with the
/// program's work. The start-up variables work in a preloaded process.
/// </summary>
public sealed class ServingTests
{
    [Fact]
    public void TheStatisticsCountEveryCall_AndGlibcServesOnlyTheStart()
    {
        string program = Preloaded.Compile("count", null, Preloaded.LinkFlags);
        Dictionary<string, string> environment = new() { ["CFA_MALLOC_STATS"] = "1" };
        PrintedStatistics small = PrintedStatistics.From(Preloaded.RunPreloaded(program, ["1000"], environment).Stderr);
        PrintedStatistics large = PrintedStatistics.From(Preloaded.RunPreloaded(program, ["100000"], environment).Stderr);
        // 99,000 more mallocs, callocs and frees of each, all counted by cfa-malloc ...
        Assert.Equal(99_000, large.Calls("malloc") - small.Calls("malloc"));
        Assert.Equal(99_000, large.Calls("calloc") - small.Calls("calloc"));
        Assert.Equal(2 * 99_000, large.Calls("free") - small.Calls("free"));
        // ... and not one more served by glibc.
        Assert.Equal(small.GlibcServed, large.GlibcServed);
        Assert.True(small.GlibcServed < 500, small.Text);
    }

    [Fact]
    public void MallocStatsClear_CountsFromTheClear_AndHeapStatsShowsTheThreadsHeap()
    {
        string program = Preloaded.Compile("count", null, Preloaded.LinkFlags);
        ProcessOutcome run = Preloaded.RunPreloaded(program, ["100000", "clear"], new Dictionary<string, string> { ["CFA_MALLOC_STATS"] = "1" });
        Assert.True(run.Exit == 0, run.ToString());
        // heap_stats, printed by the program after the callocs: its own heap, counted from the clear.
        PrintedStatistics heap = PrintedStatistics.From(run.Stderr);
        Assert.True(heap.Calls("calloc") == 100_000 && heap.Calls("malloc") < 100, heap.Text);
        Assert.True(heap.Calls("free") >= 100_000 && heap.Calls("free") < 100_100, heap.Text);
        // The process's statistics at exit count from the clear too: the 100,000 mallocs before it are gone.
        PrintedStatistics process = PrintedStatistics.Last(run.Stderr);
        Assert.True(process.Calls("malloc") < 1_000 && process.Calls("calloc") >= 100_000, process.Text);
        Assert.True(process.Calls("free") >= 100_000 && process.Calls("free") < 101_000, process.Text);
    }

    [Fact]
    public void MallocStatsAllAndFd_PrintALinePerSizeClass_WhereTheProgramSays()
    {
        string program = Preloaded.Compile("count", null, Preloaded.LinkFlags);
        ProcessOutcome run = Preloaded.RunPreloaded(program, ["20000", "buckets"], new Dictionary<string, string>());
        Assert.True(run.Exit == 0, run.ToString());
        string[] lines = run.Stdout.Split('\n');
        // The defaults: stderr, and no per-bucket lines.
        Assert.Contains("previous fd 2 all 0", lines);
        Assert.DoesNotContain("statistics", run.Stderr, StringComparison.Ordinal);
        // heap_stats on stdout, from the clear: 20,000 callocs of 1 to 512 bytes, each freed, spread over the buckets
        // of blocks up to 528 bytes; the first 512 of them new, every later one a block the loop freed before.
        var buckets = lines.SkipWhile(l => !l.Contains("buckets", StringComparison.Ordinal)).Skip(1)
            .Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(f => f.Length == 5)
            .Select(f => f.Select(x => long.Parse(x, System.Globalization.NumberStyles.AllowThousands, System.Globalization.CultureInfo.InvariantCulture)).ToArray())
            .ToArray();
        Assert.True(buckets.Length > 5, run.Stdout);
        long allocations = buckets.Sum(b => b[1]), reused = buckets.Sum(b => b[2]), frees = buckets.Sum(b => b[4]);
        Assert.InRange(allocations, 20_000, 20_100);
        Assert.InRange(frees, 20_000, 20_100);
        Assert.True(reused >= 20_000 - 512 - 100, run.Stdout);
        Assert.All(buckets, b => Assert.True(b[2] <= b[1], $"a bucket reused {b[2]} of {b[1]} blocks"));
    }

    [Fact]
    public void StartUpVariables_WorkInAPreloadedProcess()
    {
        // 64 KiB to 448 KiB blocks: with the threshold at 64 KiB each is mapped; at its 512 KiB default none is.
        PrintedStatistics low = PrintedStatistics.From(Preloaded.RunPreloaded("/usr/bin/python3", ["-c", "b = [bytearray(65536 * (1 + i % 7)) for i in range(200)]"],
            new Dictionary<string, string> { ["CFA_MALLOC_STATS"] = "1", ["CFA_MALLOC_MMAP_THRESHOLD"] = "65536" }).Stderr);
        PrintedStatistics normal = PrintedStatistics.From(Preloaded.RunPreloaded("/usr/bin/python3", ["-c", "b = [bytearray(65536 * (1 + i % 7)) for i in range(200)]"],
            new Dictionary<string, string> { ["CFA_MALLOC_STATS"] = "1" }).Stderr);
        Assert.True(low.MmapCalls >= 200, low.Text);
        Assert.True(normal.MmapCalls < 20, $"{normal.MmapCalls} mmap calls at the default threshold, {low.MmapCalls} at 64 KiB");
    }
}
