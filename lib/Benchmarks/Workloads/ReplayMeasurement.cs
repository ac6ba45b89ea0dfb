using Workbench.Benchmarks.Model;

namespace Workbench.Benchmarks.Workloads;

/// <summary>What a streamed trace replay measured (see <see cref="StreamedReplay"/>).</summary>
/// <param name="ReplaySeconds">The busiest replay thread's time inside windows (decoding and sampling left out).</param>
/// <param name="WallSeconds">From the baseline sample to the end of the last replay thread.</param>
/// <param name="BaselineRssKib">The RSS of the baseline sample, taken after a garbage collection with nothing replayed.</param>
/// <param name="Series">The RSS samples with the live requested bytes at each, in time order, the baseline first.</param>
internal readonly record struct ReplayMeasurement(double ReplaySeconds, double WallSeconds, long BaselineRssKib, IReadOnlyList<SeriesPoint> Series);
