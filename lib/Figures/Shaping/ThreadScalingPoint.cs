using Workbench.Benchmarks.Analysis;

namespace Workbench.Figures.Shaping;

/// <summary>The repetitions of one allocator at one thread count, summarised (mean and 95% Student t interval).</summary>
/// <param name="Threads">The thread count.</param>
/// <param name="Summary">The summary of the repetitions' values, in the unit the chart draws.</param>
public sealed record ThreadScalingPoint(int Threads, SampleSummary Summary);
