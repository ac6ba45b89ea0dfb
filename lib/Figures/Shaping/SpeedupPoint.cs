using Workbench.Benchmarks.Analysis;

namespace Workbench.Figures.Shaping;

/// <summary>One allocator's speed-up at one thread count: elapsed time at one thread over elapsed time at <paramref name="Threads"/>.</summary>
/// <param name="Threads">The thread count P.</param>
/// <param name="Speedup">elapsed(1) / elapsed(P) with its 95% interval; at one thread exactly 1, without an interval.</param>
public sealed record SpeedupPoint(int Threads, Comparison Speedup);
