using System.Diagnostics;
using Workbench.Benchmarks.Model;
using Workbench.Benchmarks.Runner;

namespace Workbench.Benchmarks.Tests;

/// <summary>
/// Cancelling a sweep (a notebook cell's interrupt, which does not reach the trial's process as Ctrl+C does) ends the
/// trial in flight at once, and the sweep records nothing for it.
/// </summary>
public sealed class TrialCancellationTests
{
    [Fact]
    public void CancellingKillsTheTrialInFlight()
    {
        // larson runs for a fixed time: a minute, unless cancelled.
        TrialSpec spec = TestRuns.Trial("larson", "glibc", 1, "uniform:8-1000", new() { ["duration_ms"] = 60_000 });
        using CancellationTokenSource cancel = new(TimeSpan.FromSeconds(1));
        Stopwatch clock = Stopwatch.StartNew();
        TrialResult result = TestRuns.Launcher().Run(spec, TimeSpan.FromSeconds(120), cancellation: cancel.Token);

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"the trial ran {clock.Elapsed.TotalSeconds:0} s after its cancel at 1 s");
        Assert.NotEqual(TrialStatus.Ok, result.Status);
    }

    [Fact]
    public void ACancelledSweepStops_KeepingOnlyTheTrialsThatFinished()
    {
        string folder = TestRuns.NewFolder("cancel");
        try
        {
            SweepDefinition sweep = TestRuns.TinySweep("cancel", ["larson"], ["glibc"], repetitions: 3);
            sweep.Knobs[new KnobName(null, "duration_ms")] = [60_000];
            using CancellationTokenSource cancel = new();
            List<TrialProgress> seen = [];
            Stopwatch clock = Stopwatch.StartNew();
            cancel.CancelAfter(TimeSpan.FromSeconds(1));
            SweepOutcome outcome = new SweepSession(sweep, TestRuns.Launcher()).Run(folder, Shard.All, ["test"], seen.Add, cancel.Token);

            Assert.True(outcome.Cancelled);
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"the sweep ran {clock.Elapsed.TotalSeconds:0} s after its cancel at 1 s");
            Assert.Empty(outcome.Ran);
            Assert.Empty(new Results.ResultsFile(Path.Combine(folder, "results.csv")).Rows);
            Assert.Equal([new TrialProgress(0, 3, null)], seen);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
