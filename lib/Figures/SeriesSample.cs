namespace Workbench.Figures;

/// <summary>One line of a trial's memory series (<c>series/&lt;trial&gt;.csv</c>).</summary>
/// <param name="Seconds">Seconds since the trial started.</param>
/// <param name="RssKib">Resident set size, KiB.</param>
/// <param name="RequestedBytes">Bytes the workload had requested and not yet freed; -1 where not counted.</param>
/// <param name="Source"><c>workload</c> (after a batch of operations) or <c>sampler</c> (the background sampler).</param>
public sealed record SeriesSample(double Seconds, long RssKib, long RequestedBytes, string Source);
