using System.Runtime.InteropServices;
using System.Text.Json;
using Workbench.Benchmarks.Model;
using Workbench.Benchmarks.Runner;

namespace Workbench.Benchmarks.Tests;

/// <summary>
/// The background sampler, which every benchmark's trial runs beside its workload, reads heap and mmap over the
/// baseline taken when it starts (the runtime's own memory left out) and keeps them through the trial's JSON line.
/// </summary>
[Collection(ProcessMemoryCollection.Name)]
public sealed class RssSamplerTests
{
    /// <summary>Settles the process's managed heap before each test (<see cref="ProcessMemoryCollection.Settle"/>).</summary>
    public RssSamplerTests() => ProcessMemoryCollection.Settle();

    [Fact]
    public unsafe void SamplesMappedMemoryOverTheBaselineTakenAtTheStart()
    {
        const nuint bytes = 32 << 20;
        RssSampler sampler = new(intervalMs: 1);
        byte* memory = (byte*)NativeMemory.Alloc(bytes);
        try
        {
            for (nuint offset = 0; offset < bytes; offset += 4096)
            {
                memory[offset] = 3;
            }
            Thread.Sleep(30);
            sampler.Dispose();
        }
        finally
        {
            NativeMemory.Free(memory);
        }
        IReadOnlyList<SeriesPoint> points = sampler.Points;
        Assert.True(points.Count >= 2, $"{points.Count} samples");
        Assert.All(points, p => Assert.True(p.HeapKib is not null && p.MmapKib is not null));
        // 32 MiB written shows as about 32 MiB over the baseline, not as the process's whole RSS.
        Assert.InRange(sampler.PeakAllocatorKib, 32 * 1024 - 8 * 1024, 32 * 1024 + 8 * 1024);
        Assert.True(points.Max(p => p.RssKib) > sampler.PeakAllocatorKib + 10 * 1024);
        Assert.Equal(points.Max(p => (double)(p.HeapKib!.Value + p.MmapKib!.Value)), sampler.PeakAllocatorKib);
    }

    [Fact]
    public void EveryBenchmarksTrialReportsItsPeakHeapAndMmapOverTheBaseline()
    {
        // churn keeps 1000 blocks of 4 KiB live: about 4 MiB over the runtime's memory, far below the process's RSS.
        TrialSpec spec = TestRuns.Trial("churn", "glibc", 1, "fixed:4096", new() { ["iterations"] = 3_000_000, ["slots"] = 1000 }) with { SampleMs = 1 };
        TrialResult result = TestRuns.Launcher().Run(spec, TimeSpan.FromSeconds(120));
        Assert.True(result.Status == TrialStatus.Ok, result.Message);
        double peak = result.Metrics["peak_allocator_kib"];
        Assert.True(peak >= 3 * 1024 && peak <= 64 * 1024, $"peak heap + mmap {peak} KiB over the baseline, {result.Samples.Count} samples");
        Assert.True(result.PeakRssKib > peak + 10 * 1024, $"peak RSS {result.PeakRssKib} KiB, allocator {peak} KiB");
        Assert.All(result.Samples, p => Assert.True(p.HeapKib is not null && p.MmapKib is not null));
    }

    [Fact]
    public void WithoutSamplingThereIsNoPeak()
    {
        using RssSampler sampler = new(intervalMs: 0);
        Assert.Empty(sampler.Points);
        Assert.True(double.IsNaN(sampler.PeakAllocatorKib));
    }

    [Fact]
    public void ASamplersHeapAndMmapSurviveTheTrialLine()
    {
        TrialResult result = new() { Status = TrialStatus.Ok };
        result.Samples.Add(new SeriesPoint(0.5, 50_000, -1, 12, 3_000));
        result.Samples.Add(new SeriesPoint(0.6, 50_100, -1));
        TrialResult back = JsonSerializer.Deserialize<TrialResult>(JsonSerializer.Serialize(result))!;
        Assert.Equal(result.Samples, back.Samples);
    }
}
