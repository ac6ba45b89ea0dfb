namespace Workbench.Figures.Shaping;

/// <summary>One allocator's panel of the memory-over-time figure: every repetition of its trial.</summary>
/// <param name="Allocator">The allocator.</param>
/// <param name="Repetitions">Its repetitions with a series, in repetition order; never empty.</param>
public sealed record MemoryPanel(string Allocator, IReadOnlyList<MemoryTrace> Repetitions);
