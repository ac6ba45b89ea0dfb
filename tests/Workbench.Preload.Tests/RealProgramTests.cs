using Workbench.Benchmarks.Allocators;
using Workbench.Benchmarks.Programs;

namespace Workbench.Preload.Tests;

/// <summary>Real, unmodified programs (data/programs) run on the preloaded cfa-malloc with output identical to their glibc run.</summary>
public sealed class RealProgramTests
{
    private static readonly string[] s_programs = ["python3", "perl", "sqlite3", "gcc", "jq", "lua", "z3", "ghostscript", "xz", "traced-cc1plus"];

    [Fact]
    public void AtLeastFivePrograms_GiveTheirGlibcOutput_OnCfaMalloc()
    {
        _ = Preloaded.Library;
        AllocatorInfo cfa = AllocatorCatalog.Find("cfa")!;
        List<string> ran = [];
        List<string> skipped = [];
        foreach (string name in s_programs)
        {
            ProgramDefinition program = ProgramCatalog.Find(name)!;
            if (ProgramRunner.Obstacle(program, cfa, 1) is { } obstacle)
            {
                skipped.Add(obstacle);
                continue;
            }
            // Throws when the output differs from the glibc run's, or the program fails.
            ProgramOutcome outcome = ProgramRunner.Run(program, cfa, 1);
            Assert.True(outcome.ElapsedSeconds > 0 && outcome.MaxRssKib > 0, $"{name}: {outcome}");
            ran.Add(name);
        }
        Assert.True(ran.Count >= 5, $"only {ran.Count} programs ran ({string.Join(", ", ran)}); skipped: {string.Join("; ", skipped)}");
    }

    [Fact]
    public void AServerAndItsClient_RunOnCfaMalloc()
    {
        _ = Preloaded.Library;
        AllocatorInfo cfa = AllocatorCatalog.Find("cfa")!;
        ProgramDefinition redis = ProgramCatalog.Find("redis")!;
        Assert.True(ProgramRunner.Obstacle(redis, cfa, 1) is null, ProgramRunner.Obstacle(redis, cfa, 1));
        ProgramOutcome outcome = ProgramRunner.Run(redis, cfa, 1);
        Assert.True(outcome.Throughput > 0 && outcome.MaxRssKib > 0, outcome.ToString());
    }
}
