namespace Workbench.Figures.Shaping;

/// <summary>A point of a latency tail distribution.</summary>
/// <param name="LatencyNs">A latency, ns.</param>
/// <param name="FractionSlower">The fraction of calls slower than it (1 - CDF).</param>
public sealed record TailPoint(double LatencyNs, double FractionSlower);
