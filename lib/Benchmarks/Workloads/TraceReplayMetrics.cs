using Workbench.Benchmarks.Traces;

namespace Workbench.Benchmarks.Workloads;

/// <summary>The figures a trace replay reports: its time and events, and the memory it used beside the bytes the trace had live.</summary>
internal static class TraceReplayMetrics
{
    /// <summary>
    /// The result of a replay of <paramref name="trace"/> on <paramref name="threads"/> threads, measured as
    /// <paramref name="measured"/>; <paramref name="leftover"/> objects were never freed by the trace, and
    /// <paramref name="alignedAsMalloc"/> aligned allocations were replayed as malloc.
    /// </summary>
    public static WorkloadResult Of(ReplayMeasurement measured, ReplayDispatcher dispatcher, TraceInfo trace, int threads, int leftover, long alignedAsMalloc)
    {
        WorkloadResult result = new()
        {
            ElapsedSeconds = measured.ReplaySeconds,
            Operations = dispatcher.Events,
        };
        result.Series.AddRange(measured.Series);
        MemoryOverhead memory = MemoryOverhead.Of(result.Series);
        double peakRequestedKib = dispatcher.PeakLiveBytes / 1024.0;
        result.Metrics["wall_s"] = measured.WallSeconds;
        result.Metrics["trace_threads"] = threads;
        result.Metrics["trace_events"] = trace.Events;
        result.Metrics["peak_requested_kib"] = peakRequestedKib;
        result.Metrics["replay_peak_rss_kib"] = measured.BaselineRssKib + memory.RssGrowthKib;
        result.Metrics["rss_growth_kib"] = memory.RssGrowthKib;
        // Overhead at each sample: RSS growth minus the bytes live at that very point of the trace (a sample between
        // two peaks of live bytes would make "peak RSS minus peak requested" understate it).
        result.Metrics["overhead_kib"] = memory.WorstOverheadKib;
        result.Metrics["mean_overhead_kib"] = memory.MeanOverheadKib;
        if (peakRequestedKib > 0)
        {
            result.Metrics["rss_per_requested"] = memory.RssGrowthKib / peakRequestedKib;
        }
        // The OS view without the runtime's own memory: brk heap and mmap over the baseline (as the memory benchmark's).
        result.Metrics["peak_heap_kib"] = memory.PeakHeapKib;
        result.Metrics["peak_mmap_kib"] = memory.PeakMmapKib;
        result.Metrics["peak_allocator_kib"] = memory.PeakAllocatorKib;
        result.Metrics["leaked_objects"] = leftover;
        result.Metrics["aligned_as_malloc"] = alignedAsMalloc;
        return result;
    }
}
