using System.Globalization;

namespace Workbench.Benchmarks.Model;

/// <summary>
/// One row of <c>results.csv</c>: a trial, what it measured, and where and when it ran. <see cref="Node"/> and
/// <see cref="CpuModel"/> are empty for a record that does not say (rows of files written before they existed).
/// </summary>
/// <param name="Spec">The trial.</param>
/// <param name="Result">What it measured.</param>
/// <param name="Isolated">Run in a child process (true) or in the runner's own process.</param>
/// <param name="FinishedUtc">When it finished (UTC, ISO 8601 to the second).</param>
public sealed record TrialRecord(TrialSpec Spec, TrialResult Result, bool Isolated, string FinishedUtc)
{
    /// <summary>The node the trial ran on (Slurm's node name, or the host name); empty when unknown.</summary>
    public string Node { get; init; } = "";

    /// <summary>The CPU model of that node; empty when unknown. Trials pair only within one CPU model.</summary>
    public string CpuModel { get; init; } = "";

    /// <summary>The record of a trial that finished now.</summary>
    public static TrialRecord FinishedNow(TrialSpec spec, TrialResult result, bool isolated) =>
        new(spec, result, isolated, DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture));
}
