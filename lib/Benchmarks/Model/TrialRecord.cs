using System.Globalization;

namespace Workbench.Benchmarks.Model;

/// <summary>One row of <c>results.csv</c>: a trial, what it measured, and where and when it ran.</summary>
/// <param name="Spec">The trial.</param>
/// <param name="Result">What it measured.</param>
/// <param name="Isolated">Run in a child process (true) or in the runner's own process.</param>
/// <param name="FinishedUtc">When it finished (UTC, ISO 8601 to the second).</param>
public sealed record TrialRecord(TrialSpec Spec, TrialResult Result, bool Isolated, string FinishedUtc)
{
    /// <summary>The record of a trial that finished now.</summary>
    public static TrialRecord FinishedNow(TrialSpec spec, TrialResult result, bool isolated) =>
        new(spec, result, isolated, DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture));
}
