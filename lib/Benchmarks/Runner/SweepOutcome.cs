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

    /// <summary>Trials run now with this status.</summary>
    public int Count(TrialStatus status) => Ran.TryGetValue(status, out int n) ? n : 0;
}
