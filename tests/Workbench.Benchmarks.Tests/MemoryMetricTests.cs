using Workbench.Benchmarks.Model;
using Workbench.Benchmarks.Workloads;

namespace Workbench.Benchmarks.Tests;

/// <summary>
/// The memory benchmark's figures mean what its summary says: in a trial process, every sample's RSS growth holds
/// the bytes counted live in it, the metrics are the documented functions of the samples, and memory that is never
/// reused shows as overhead.
/// </summary>
[Collection(ProcessMemoryCollection.Name)]
public sealed class MemoryMetricTests
{
    /// <summary>Settles the process's managed heap before each test (<see cref="ProcessMemoryCollection.Settle"/>).</summary>
    public MemoryMetricTests() => ProcessMemoryCollection.Settle();

    /// <summary>Slack for what else in the process may shrink during a run (the kernel's RSS counters, the GC).</summary>
    private const double SlackKib = 1024;

    private const int Objects = 4000;
    private const int ObjectBytes = 4000;
    private const int Rounds = 4;

    [Fact]
    public void FiguresAreTheDocumentedFunctionsOfTheSamples()
    {
        SeriesPoint[] series =
        [
            new(0, 1000, 0),
            new(1, 4000, 2048 * 1024),
            new(2, 3500, 0),
            new(3, 6000, 4096 * 1024),
        ];
        MemoryOverhead m = MemoryOverhead.Of(series);
        Assert.Equal(4096, m.PeakRequestedKib);
        Assert.Equal(5000, m.RssGrowthKib);
        Assert.Equal(5000 - 4096, m.PeakOverheadKib);
        Assert.Equal(2500, m.WorstOverheadKib);
        Assert.Equal((0 + 952 + 2500 + 904) / 4.0, m.MeanOverheadKib);
    }

    [Fact]
    public void TheFirstSampleMustBeABaselineWithNothingLive()
    {
        Assert.Throws<ArgumentException>(() => MemoryOverhead.Of([]));
        Assert.Throws<ArgumentException>(() => MemoryOverhead.Of([new SeriesPoint(0, 1000, 10)]));
        // "Not counted" (-1) counts as nothing live.
        Assert.Equal(500, MemoryOverhead.Of([new SeriesPoint(0, 1000, -1), new SeriesPoint(1, 1500, -1)]).WorstOverheadKib);
    }

    [Fact]
    public void TimelineSamplesTheLiveCountWithTheRssAndDoesNotAllocate()
    {
        using MemoryTimeline timeline = new(capacity: 64);
        timeline.Allocated(5000);
        timeline.Allocated(3000);
        timeline.Sample();
        timeline.Releasing(5000);
        timeline.Sample();
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 40; i++)
        {
            timeline.Allocated(100);
            timeline.Releasing(100);
            timeline.Sample();
        }
        long after = GC.GetAllocatedBytesForCurrentThread();
        Assert.Equal(before, after);
        IReadOnlyList<SeriesPoint> points = timeline.Points;
        Assert.Equal(43, points.Count);
        Assert.Equal(0, points[0].Seconds);
        Assert.Equal(0, points[0].RequestedBytes);
        Assert.Equal(8000, points[1].RequestedBytes);
        Assert.Equal(3000, points[2].RequestedBytes);
        Assert.All(points, p => Assert.True(p.RssKib > 0));
        Assert.True(points.Zip(points.Skip(1)).All(pair => pair.First.Seconds <= pair.Second.Seconds));
    }

    [Fact]
    public unsafe void TimelineShowsMappedMemoryOverTheBaselineNotOverTheRuntime()
    {
        using MemoryTimeline timeline = new(capacity: 16);
        const nuint bytes = 40 << 20;
        byte* memory = (byte*)System.Runtime.InteropServices.NativeMemory.Alloc(bytes);
        try
        {
            for (nuint offset = 0; offset < bytes; offset += 4096)
            {
                memory[offset] = 7;
            }
            timeline.Allocated((long)bytes);
            timeline.Sample();
        }
        finally
        {
            timeline.Releasing((long)bytes);
            System.Runtime.InteropServices.NativeMemory.Free(memory);
        }
        timeline.Sample();
        IReadOnlyList<SeriesPoint> points = timeline.Points;
        Assert.Equal((0L, 0L), (points[0].HeapKib!.Value, points[0].MmapKib!.Value));
        // 40 MiB mapped shows as about 40 MiB of mmap over the baseline, not 40 plus the runtime's own, which the RSS
        // holds (a band of 8 MiB either way for the rest of the process, whose GC gives back memory on its own schedule).
        Assert.InRange(points[1].MmapKib!.Value, 40 * 1024 - 8192, 40 * 1024 + 8192);
        Assert.InRange(points[1].HeapKib!.Value, -4096, 4096);
        Assert.True(points[1].RssKib > points[1].MmapKib + 20 * 1024, $"RSS {points[1].RssKib} KiB: the runtime's own memory should be in it");
        Assert.InRange(points[2].MmapKib!.Value, -8192, 8192);
        MemoryOverhead m = MemoryOverhead.Of(points);
        Assert.Equal(points.Max(p => p.HeapKib!.Value + p.MmapKib!.Value), m.PeakAllocatorKib);
        Assert.Equal(m.PeakAllocatorKib - 40 * 1024, m.PeakAllocatorOverheadKib);
    }

    [Fact]
    public void TimelineSamplesOnTheTimerOnlyWhenTheIntervalHasPassedAndWithinItsCapacity()
    {
        using MemoryTimeline never = new(capacity: 100, interval: TimeSpan.FromHours(1));
        for (int i = 0; i < 50; i++)
        {
            never.SampleIfDue();
        }
        Assert.Single(never.Points);
        using MemoryTimeline always = new(capacity: 10, interval: TimeSpan.Zero);
        for (int i = 0; i < 50; i++)
        {
            always.SampleIfDue();
        }
        Assert.Equal(10, always.Points.Count);
        Assert.True(always.SamplingSeconds > 0);
        // Batch ends sample whatever the timer says.
        never.Sample();
        Assert.Equal(2, never.Points.Count);
    }

    [Theory]
    [InlineData("glibc", 1)]
    [InlineData("glibc", 2)]
    [InlineData("cfa", 1)]
    [InlineData("cfa", 2)]
    [InlineData("bump", 1)]
    public void EverySampleHoldsItsLiveBytesAndTheMetricsComeFromTheSamples(string allocator, int threads)
    {
        TrialResult result = Run(allocator, threads);
        IReadOnlyList<SeriesPoint> series = result.Series;
        long rss0 = series[0].RssKib;
        Assert.Equal(0, series[0].RequestedBytes);
        // Two samples per batch (made, freed) at least, more on the timer (sample_us).
        Assert.True(series.Count >= 1 + 2 * threads * Rounds, $"{series.Count} samples");
        Assert.Equal(series.Count, result.Metrics["memory_samples"]);
        foreach (SeriesPoint p in series)
        {
            Assert.True(p.RssKib - rss0 >= p.RequestedBytes / 1024.0 - SlackKib,
                $"{allocator}: at {p.Seconds:F4} s the RSS grew {p.RssKib - rss0} KiB with {p.RequestedBytes / 1024} KiB live");
        }
        double peakRequested = series.Max(p => p.RequestedBytes) / 1024.0;
        double growth = series.Max(p => p.RssKib) - rss0;
        Assert.Equal(peakRequested, result.Metrics["peak_requested_kib"]);
        Assert.Equal(growth, result.Metrics["rss_growth_kib"]);
        Assert.Equal(growth - peakRequested, result.Metrics["overhead_kib"]);
        Assert.True(peakRequested >= Objects * ObjectBytes / 1024.0, $"peak live {peakRequested} KiB, less than one batch");
        Assert.True(result.Metrics["rss_growth_kib"] >= 0);
        Assert.True(result.Metrics["overhead_kib"] >= -SlackKib, $"{allocator}: overhead {result.Metrics["overhead_kib"]} KiB");
        Assert.Equal(0, series[^1].RequestedBytes);
        // The OS view over the runtime's baseline: heap and mmap hold the live bytes (every page of them written), and
        // they are the allocator's memory, not the ~40 MiB the trial process had before the workload.
        foreach (SeriesPoint p in series)
        {
            Assert.True(p.HeapKib + p.MmapKib >= p.RequestedBytes / 1024.0 - SlackKib,
                $"{allocator}: at {p.Seconds:F4} s heap {p.HeapKib} + mmap {p.MmapKib} KiB with {p.RequestedBytes / 1024} KiB live");
        }
        double peakAllocator = series.Max(p => p.HeapKib!.Value + p.MmapKib!.Value);
        Assert.Equal(peakAllocator, result.Metrics["peak_allocator_kib"]);
        Assert.Equal(peakAllocator - peakRequested, result.Metrics["allocator_overhead_kib"]);
        Assert.True(peakAllocator < growth + SlackKib, $"{allocator}: heap+mmap {peakAllocator} KiB above the RSS growth {growth} KiB");
        Assert.True(series[1].RssKib > series[1].HeapKib + series[1].MmapKib + 10 * 1024, "the RSS should carry the runtime's own memory, heap and mmap not");
    }

    [Theory]
    [InlineData("glibc")]
    [InlineData("cfa")]
    public void LockStep_KeepsOneBatchLiveAtMost_WhateverTheAllocator(string allocator)
    {
        // in_flight 0: the producer waits for each batch to be freed, so at most one batch is ever live, and the
        // peak is exactly one batch of fixed-size objects (with in_flight 2 it may be up to four).
        TrialResult result = Run(allocator, 1, inFlight: 0);
        Assert.Equal(Objects * ObjectBytes / 1024.0, result.Metrics["peak_requested_kib"]);
        Assert.All(result.Series, p => Assert.True(p.RequestedBytes <= (long)Objects * ObjectBytes, $"{p.RequestedBytes} bytes live"));
        Assert.Equal(0, result.Series[^1].RequestedBytes);
    }

    [Fact]
    public void MemoryNeverReusedShowsAsOverhead()
    {
        TrialResult result = Run("bump", 1);
        double allocatedKib = (double)Rounds * Objects * ObjectBytes / 1024;
        Assert.True(result.Metrics["rss_growth_kib"] >= allocatedKib - SlackKib,
            $"the bump allocator never reuses memory, yet RSS grew only {result.Metrics["rss_growth_kib"]} KiB for {allocatedKib} KiB allocated");
        Assert.True(result.Metrics["overhead_kib"] >= allocatedKib - result.Metrics["peak_requested_kib"] - SlackKib);
    }

    /// <summary>
    /// The memory benchmark in a trial process of its own, as a sweep runs it (after the miniature prime run): an
    /// allocator run earlier in this process would still hold memory, and its reuse would show as no growth.
    /// </summary>
    private static TrialResult Run(string allocator, int threads, int inFlight = 2)
    {
        Workload workload = WorkloadCatalog.Find("memory")!;
        Dictionary<string, long> knobs = workload.ResolveKnobs(quick: true, new Dictionary<string, long>
        {
            ["objects"] = Objects,
            ["rounds"] = Rounds,
            ["in_flight"] = inFlight,
        });
        TrialSpec spec = new()
        {
            Benchmark = "memory",
            Allocator = allocator,
            Threads = threads,
            Sizes = $"fixed:{ObjectBytes}",
            Repetition = 1,
            Knobs = new SortedDictionary<string, long>(knobs, StringComparer.Ordinal),
            SampleMs = 0,
        };
        TrialResult result = TestRuns.Launcher().Run(spec, TimeSpan.FromMinutes(2));
        Assert.True(result.Status == TrialStatus.Ok, result.Message);
        return result;
    }
}
