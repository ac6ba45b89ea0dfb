namespace Workbench.Figures.Shaping;

/// <summary>One allocator's trial over time: its resident set size and the bytes its workload held.</summary>
/// <param name="Allocator">The allocator.</param>
/// <param name="Resident">Resident set size, every sample in time order; never empty.</param>
/// <param name="Requested">Bytes requested and not yet freed, from the workload's own samples; empty where it did not count them.</param>
public sealed record MemoryTrace(string Allocator, IReadOnlyList<MemorySample> Resident, IReadOnlyList<MemorySample> Requested);
