namespace Workbench.Benchmarks.Model;

/// <summary>One sample of a trial's memory over time.</summary>
/// <param name="Seconds">Time since the trial started.</param>
/// <param name="RssKib">Resident set size of the process.</param>
/// <param name="RequestedBytes">Bytes the workload had asked for and not yet freed (-1 where the workload does not count them).</param>
public readonly record struct SeriesPoint(double Seconds, long RssKib, long RequestedBytes);
