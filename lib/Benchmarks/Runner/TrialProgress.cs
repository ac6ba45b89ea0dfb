using Workbench.Benchmarks.Model;

namespace Workbench.Benchmarks.Runner;

/// <summary>Progress of a sweep after a trial finished (or was found done).</summary>
/// <param name="Done">Trials of this share finished so far, including those found in the results file.</param>
/// <param name="Total">Trials in this share.</param>
/// <param name="Last">The trial just finished, or null.</param>
public readonly record struct TrialProgress(int Done, int Total, TrialRecord? Last);
