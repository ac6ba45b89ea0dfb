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

    /// <summary>Trials run now with this status.</summary>
    public int Count(TrialStatus status) => Ran.TryGetValue(status, out int n) ? n : 0;
}
