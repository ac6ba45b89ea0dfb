using Workbench.Benchmarks.Model;

namespace Workbench.Benchmarks.Workloads;

/// <summary>
/// The memory figures of a series of samples whose first point is the baseline: the RSS right before the measured
/// run, taken with nothing of the run live (requested bytes 0). Each later point pairs the RSS with the bytes live at
/// that moment (a negative count, "not counted", is taken as 0).
/// </summary>
/// <param name="PeakRequestedKib">The most bytes live at any sample, in KiB.</param>
/// <param name="RssGrowthKib">The highest RSS of any sample minus the baseline's (0 at least, the baseline being a sample).</param>
/// <param name="WorstOverheadKib">
/// The largest over the samples of RSS minus baseline minus the bytes live at that sample: what the process held
/// beyond the live bytes at the worst sampled moment (0 at least, the baseline's own being 0).
/// </param>
/// <param name="MeanOverheadKib">The mean over the samples of RSS minus baseline minus the bytes live.</param>
/// <param name="PeakHeapKib">The most brk heap over the baseline at any sample (<see cref="SeriesPoint.HeapKib"/>); NaN where not measured.</param>
/// <param name="PeakMmapKib">The most anonymous mmap memory over the baseline at any sample; NaN where not measured.</param>
/// <param name="PeakAllocatorKib">
/// The most of heap and mmap together over the baseline at any sample: what the process took from the OS for the
/// workload at its highest, the runtime's own memory left out (0 at least, the baseline being a sample; NaN where not
/// measured).
/// </param>
public readonly record struct MemoryOverhead(double PeakRequestedKib, double RssGrowthKib, double WorstOverheadKib, double MeanOverheadKib,
    double PeakHeapKib = double.NaN, double PeakMmapKib = double.NaN, double PeakAllocatorKib = double.NaN)
{
    /// <summary>
    /// <see cref="PeakAllocatorKib"/> minus the peak of live bytes: the allocator's memory beyond what the program ever
    /// had live, measured from the OS's view of heap and mmap (NaN where not measured).
    /// </summary>
    public double PeakAllocatorOverheadKib => PeakAllocatorKib - PeakRequestedKib;

    /// <summary>
    /// The peak RSS growth minus the peak of live bytes (Johnstone and Wilson's fragmentation at the peaks, in KiB):
    /// how much more memory the process needed at its highest than the program ever had live. Where each sample's RSS
    /// holds all the bytes counted live in it, this is at least what the rest of the process grew by at the sample
    /// with the most bytes live, so it is negative only if memory held at the baseline was reused or given back.
    /// </summary>
    public double PeakOverheadKib => RssGrowthKib - PeakRequestedKib;

    /// <summary>The figures of <paramref name="series"/>, whose first point is the baseline.</summary>
    /// <exception cref="ArgumentException">The series is empty, or its first point has bytes live.</exception>
    public static MemoryOverhead Of(IReadOnlyList<SeriesPoint> series)
    {
        ArgumentNullException.ThrowIfNull(series);
        if (series.Count == 0 || series[0].RequestedBytes > 0)
        {
            throw new ArgumentException("the first sample must be the baseline, with no bytes live", nameof(series));
        }
        long rss0 = series[0].RssKib;
        double peakRequested = 0;
        double growth = 0;
        double worst = 0;
        double sum = 0;
        bool split = series.All(p => p.HeapKib is not null && p.MmapKib is not null);
        double heap = 0;
        double mmap = 0;
        double anonymous = 0;
        foreach (SeriesPoint point in series)
        {
            if (split)
            {
                heap = Math.Max(heap, point.HeapKib!.Value);
                mmap = Math.Max(mmap, point.MmapKib!.Value);
                anonymous = Math.Max(anonymous, point.HeapKib!.Value + point.MmapKib!.Value);
            }
            double requestedKib = Math.Max(0, point.RequestedBytes) / 1024.0;
            double overhead = point.RssKib - rss0 - requestedKib;
            peakRequested = Math.Max(peakRequested, requestedKib);
            growth = Math.Max(growth, point.RssKib - rss0);
            worst = Math.Max(worst, overhead);
            sum += overhead;
        }
        return split
            ? new MemoryOverhead(peakRequested, growth, worst, sum / series.Count, heap, mmap, anonymous)
            : new MemoryOverhead(peakRequested, growth, worst, sum / series.Count);
    }
}
