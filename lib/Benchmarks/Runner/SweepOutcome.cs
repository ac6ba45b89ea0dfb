using Workbench.Benchmarks.Model;

namespace Workbench.Benchmarks.Runner;

/// <summary>What a sweep did.</summary>
public sealed class SweepOutcome
{
    /// <summary>Trials in the whole sweep.</summary>
    public int Planned { get; set; }

    /// <summary>Trials in this shard.</summary>
    public int InShard { get; set; }

    /// <summary>Trials found already done in the results file (resumed past).</summary>
    public int AlreadyDone { get; set; }

    /// <summary>Trials of this shard found failed or timed out in the results file and kept as done (not retried).</summary>
    public int FailedBefore { get; set; }

    /// <summary>Trials run now, by status.</summary>
    public Dictionary<TrialStatus, int> Ran { get; } = [];

    /// <summary>One-line notes (allocators skipped and why), each once.</summary>
    public List<string> Notes { get; } = [];

    /// <summary>Whether the sweep stopped early (cancelled).</summary>
    public bool Cancelled { get; set; }

    /// <summary>The results file.</summary>
    public string ResultsPath { get; set; } = "";

    /// <summary>How long the sweep took (set by <see cref="SweepSession"/>).</summary>
    public TimeSpan Elapsed { get; set; }

    /// <summary>The trials run now by how they ended, and the time: <c>3 ok, 0 failed, 0 timed out, 1 skipped in 2.5 s</c>.</summary>
    public string Tally => FormattableString.Invariant(
        $"{Count(TrialStatus.Ok)} ok, {Count(TrialStatus.Failed)} failed, {Count(TrialStatus.Timeout)} timed out, {Count(TrialStatus.Skipped)} skipped in {Elapsed.TotalSeconds:0.0} s");

    /// <summary>Trials of this shard whose row now says failed or timeout: run now, or kept from before.</summary>
    public int Failed => Count(TrialStatus.Failed) + Count(TrialStatus.Timeout) + FailedBefore;

    /// <summary>
    /// One line when any trial of this shard failed or timed out, else null:
    /// <c>3 of 8 trials failed (1 now, 0 timed out now, 2 kept from before: --retry-failed runs them again); see the message column of results.csv</c>.
    /// </summary>
    public string? FailureLine => Failed == 0 ? null : FormattableString.Invariant(
        $"{Failed} of {InShard} trials failed ({Count(TrialStatus.Failed)} failed now, {Count(TrialStatus.Timeout)} timed out now, {FailedBefore} kept from before: --retry-failed runs them again); their reasons are in the message column of {ResultsPath}");

    /// <summary>Trials run now with this status.</summary>
    public int Count(TrialStatus status) => Ran.TryGetValue(status, out int n) ? n : 0;
}
