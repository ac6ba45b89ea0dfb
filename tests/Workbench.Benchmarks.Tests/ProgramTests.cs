using Workbench.Benchmarks.Allocators;
using Workbench.Benchmarks.Model;
using Workbench.Benchmarks.Programs;
using Workbench.Benchmarks.Results;
using Workbench.Benchmarks.Runner;
using Workbench.Benchmarks.Sizes;

namespace Workbench.Benchmarks.Tests;

/// <summary>The program benchmark: its definitions, its output checks and where it refuses to run.</summary>
public sealed class ProgramTests
{
    [Fact]
    public void EveryDefinition_Parses_UnderItsFileName()
    {
        string[] files = Directory.GetFiles(ProgramCatalog.Directory!, "*.yaml");
        Assert.True(files.Length >= 15, $"only {files.Length} program definitions");
        Assert.Equal(files.Length, ProgramCatalog.All.Count);
        foreach (ProgramDefinition program in ProgramCatalog.All)
        {
            Assert.Null(program.Problem());
            Assert.True(File.Exists(Path.Combine(ProgramCatalog.Directory!, program.Name + ".yaml")));
        }
        Assert.True(ProgramCatalog.All.Count(p => p.Quick) >= 2, "the quick suite runs at least two real programs");
    }

    [Fact]
    public void AMalformedDefinition_IsRefused_NamingTheFileAndTheLine()
    {
        string folder = TestRuns.NewFolder("programs");
        string bad = Path.Combine(folder, "broken.yaml");
        File.WriteAllText(bad, "name: broken\ncommand: [/bin/true\n");
        ProgramException e = Assert.Throws<ProgramException>(() => ProgramCatalog.Read(bad));
        Assert.Contains("broken.yaml", e.Message, StringComparison.Ordinal);
        Assert.Contains("line", e.Message, StringComparison.Ordinal);

        string misnamed = Path.Combine(folder, "other.yaml");
        File.WriteAllText(misnamed, "name: something\ncommand: [/bin/true]\n");
        Assert.Contains("write name: other", Assert.Throws<ProgramException>(() => ProgramCatalog.Read(misnamed)).Message, StringComparison.Ordinal);

        string relative = Path.Combine(folder, "relative.yaml");
        File.WriteAllText(relative, "name: relative\ncommand: [true]\n");
        Assert.Contains("absolute path", Assert.Throws<ProgramException>(() => ProgramCatalog.Read(relative)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AProgramSpec_NamesADefinedProgram_AndIsNoSizeDistribution()
    {
        ProgramSelection selection = Assert.IsType<ProgramSelection>(SizeDistribution.Parse("program:sqlite3"));
        Assert.Equal("program:sqlite3", selection.Spec);
        SizeSpecException unknown = Assert.Throws<SizeSpecException>(() => SizeDistribution.Parse("program:nosuch"));
        Assert.Contains("sqlite3", unknown.Message, StringComparison.Ordinal);
        Assert.Throws<SizeSpecException>(() => selection.Sample(new Random(1)));
    }

    [Fact]
    public void ARun_MeasuresTheProgram_AndChecksItsOutputAgainstGlibc()
    {
        AllocatorInfo glibc = AllocatorCatalog.Find("glibc")!;
        ProgramDefinition sqlite = ProgramCatalog.Find("traced-sqlite3")!;
        Assert.Null(ProgramRunner.Obstacle(sqlite, glibc, 1));
        ProgramOutcome outcome = ProgramRunner.Run(sqlite, glibc, 1);
        Assert.True(outcome.ElapsedSeconds > 0 && outcome.MaxRssKib > 1000 && outcome.UserSeconds + outcome.SystemSeconds > 0, outcome.ToString());
    }

    [Fact]
    public void AWrongOutput_FailsTheRun()
    {
        AllocatorInfo jemalloc = AllocatorCatalog.Find("jemalloc")!;
        // Its output names the preloaded library: on any allocator but glibc it differs from the glibc run.
        ProgramDefinition telltale = new()
        {
            Name = "telltale",
            Command = ["/bin/sh", "-c", "echo \"preloaded: $LD_PRELOAD\""],
        };
        Assert.Null(ProgramRunner.Obstacle(telltale, jemalloc, 1));
        ProgramException differs = Assert.Throws<ProgramException>(() => ProgramRunner.Run(telltale, jemalloc, 1));
        Assert.Contains("differs from its run on glibc", differs.Message, StringComparison.Ordinal);

        ProgramDefinition unmatched = new() { Name = "unmatched", Command = ["/bin/echo", "hello"], Check = "matches:^goodbye$" };
        Assert.Contains("does not match", Assert.Throws<ProgramException>(() => ProgramRunner.Run(unmatched, jemalloc, 1)).Message, StringComparison.Ordinal);

        ProgramDefinition failing = new() { Name = "failing", Command = ["/bin/sh", "-c", "echo no >&2; exit 3"] };
        ProgramException exit = Assert.Throws<ProgramException>(() => ProgramRunner.Run(failing, jemalloc, 1));
        Assert.Contains("exited with 3", exit.Message, StringComparison.Ordinal);
        Assert.Contains("no", exit.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ItIsSkipped_WhereItCannotRun_WithOneLineThatSaysWhy()
    {
        ProgramDefinition sqlite = ProgramCatalog.Find("sqlite3")!;
        Assert.Contains("for C# code only", ProgramRunner.Obstacle(sqlite, AllocatorCatalog.Find("gc")!, 1), StringComparison.Ordinal);
        Assert.Contains("at 1 thread only", ProgramRunner.Obstacle(sqlite, AllocatorCatalog.Find("glibc")!, 2), StringComparison.Ordinal);
        ProgramDefinition missing = new() { Name = "missing", Packages = "nosuch-package", Command = ["/usr/bin/nosuch-program"] };
        string? obstacle = ProgramRunner.Obstacle(missing, AllocatorCatalog.Find("glibc")!, 1);
        Assert.Contains("/usr/bin/nosuch-program not found (Debian package nosuch-package)", obstacle, StringComparison.Ordinal);
        Assert.Null(ProgramRunner.Obstacle(ProgramCatalog.Find("xz")!, AllocatorCatalog.Find("glibc")!, 2));
    }

    [Fact]
    public void ASweep_RecordsTheProgramsThroughput_AndSkipsCSharpOnlyAllocators()
    {
        string folder = TestRuns.NewFolder("program-sweep");
        SweepDefinition definition = new()
        {
            Name = "programs",
            Benchmarks = ["program"],
            Allocators = ["glibc", "gc"],
            Sizes = ["program:traced-sqlite3"],
        };
        SweepOutcome outcome = new SweepRunner(null).Run(definition, folder, Shard.All, []);
        Assert.Equal(1, outcome.Count(TrialStatus.Ok));
        Assert.Equal(1, outcome.Count(TrialStatus.Skipped));
        ResultsFile results = ResultsFile.Read(Path.Combine(folder, "results.csv"));
        ResultRow glibc = results.Rows.Single(r => r.Allocator == "glibc");
        Assert.Equal(1, glibc.Number("ops"));
        // The program's own peak RSS (an in-process trial would report the difference over the run, about 0).
        Assert.True(glibc.Number("peak_rss_kib") > 1000, $"peak RSS {glibc.Number("peak_rss_kib")} KiB");
        Assert.Contains("for C# code only", results.Rows.Single(r => r.Allocator == "gc").Text("message"), StringComparison.Ordinal);
    }
}
