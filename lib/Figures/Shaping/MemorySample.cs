namespace Workbench.Figures.Shaping;

/// <summary>One memory reading of a trial.</summary>
/// <param name="Seconds">Seconds since the trial started, or the fraction of the trial's run (0 to 1) where time is normalized.</param>
/// <param name="MiB">The memory, MiB.</param>
public sealed record MemorySample(double Seconds, double MiB);
