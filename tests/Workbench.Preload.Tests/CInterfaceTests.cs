namespace Workbench.Preload.Tests;

/// <summary>The C interface of libcfamalloc.so, from C programs compiled by the test.</summary>
public sealed class CInterfaceTests
{
    public static TheoryData<string> Modes() => ["default", "CFA_MALLOC_OWNERSHIP=0", "CFA_MALLOC_CHECKED=1"];

    /// <summary>programs/exports.c: every export with its contents checked, then 4 threads freeing each other's blocks.</summary>
    [Theory]
    [MemberData(nameof(Modes))]
    public void EveryExport_WorksWithContentsChecked_AcrossFourThreads(string mode)
    {
        string program = Preloaded.Compile("exports", null, Preloaded.LinkFlags);
        Dictionary<string, string> environment = new() { ["CFA_MALLOC_STATS"] = "1" };
        if (mode != "default")
        {
            environment[mode.Split('=')[0]] = mode.Split('=')[1];
        }
        ProcessOutcome run = Preloaded.RunPreloaded(program, [], environment);
        Assert.True(run.Exit == 0 && run.Stdout.TrimEnd().EndsWith("ok", StringComparison.Ordinal), run.ToString());
        PrintedStatistics statistics = PrintedStatistics.From(run.Stderr);
        // 4 threads x 20,000 blocks sent, each freed by the next thread.
        Assert.True(statistics.Calls("free") >= 80_000, statistics.Text);
        Assert.Equal(0, statistics.Collections);
    }

    /// <summary>Blocks glibc served before cfa-malloc started (a library's constructor) are queried, moved and freed.</summary>
    [Fact]
    public void BlocksGlibcServedBeforeTheStart_AreQueriedReallocatedAndFreed()
    {
        string early = Preloaded.Compile("early", "libearly.so", "-shared", "-fPIC");
        string folder = Path.GetDirectoryName(early)!;
        string program = Preloaded.Compile("early_main", null, [$"-L{folder}", "-learly", $"-Wl,-rpath,{folder}", .. Preloaded.LinkFlags]);
        ProcessOutcome run = Preloaded.RunPreloaded(program, []);
        Assert.True(run.Exit == 0 && run.Stdout.Contains("ok", StringComparison.Ordinal), run.ToString());
    }

    /// <summary>A library opened with dlopen frees the program's blocks and allocates its own, which the program frees.</summary>
    [Fact]
    public void ADlopenedLibrary_FreesBlocksAllocatedBeforeIt()
    {
        string library = Preloaded.Compile("dlopen_lib", "dlopen_lib.so", "-shared", "-fPIC");
        string program = Preloaded.Compile("dlopen_main", null, "-ldl");
        ProcessOutcome run = Preloaded.RunPreloaded(program, [library]);
        Assert.True(run.Exit == 0 && run.Stdout.Contains("ok", StringComparison.Ordinal), run.ToString());
    }
}
