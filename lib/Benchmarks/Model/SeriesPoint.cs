namespace Workbench.Benchmarks.Model;

/// <summary>One sample of a trial's memory over time.</summary>
/// <param name="Seconds">Time since the trial started.</param>
/// <param name="RssKib">Resident set size of the process.</param>
/// <param name="RequestedBytes">Bytes the workload had asked for and not yet freed (-1 where the workload does not count them).</param>
/// <param name="HeapKib">
/// Resident KiB of the brk heap over the same process's before the workload started (the runtime's own baseline);
/// null where not measured. Negative where the process gave back heap it held at the baseline.
/// </param>
/// <param name="MmapKib">Resident anonymous KiB outside the brk heap over the baseline's, as <paramref name="HeapKib"/>.</param>
public readonly record struct SeriesPoint(double Seconds, long RssKib, long RequestedBytes, long? HeapKib = null, long? MmapKib = null);
