using System.Diagnostics;
using Workbench.Benchmarks.Model;
using Workbench.Benchmarks.Platform;

namespace Workbench.Benchmarks.Workloads;

/// <summary>
/// The bytes a workload has live and the process's memory, sampled together so that every sample's memory holds all
/// the bytes counted live in it. Threads report <see cref="Allocated"/> after they have allocated and written blocks
/// and <see cref="Releasing"/> before they free them, so the count never holds a byte that is not allocated and
/// written. The count's changes and each sample (the count, then the memory read) take one lock, so no counted byte can
/// be freed between the two.
/// </summary>
/// <remarks>
/// <para>
/// The first sample is the baseline, taken when the timeline is made, with nothing live: the runtime's own memory in
/// this process before the workload starts (the .NET runtime, the JIT's code, the managed heap, the allocator's
/// library). Each sample carries the whole RSS as read, and the brk heap and the anonymous mmap memory
/// (<see cref="RssProbe.Read"/>) each minus its baseline: what the process took from the OS for the workload, which
/// is the allocator's memory plus the worker threads' stacks (tens of KiB each).
/// </para>
/// <para>
/// Sampling is bounded in cost: <see cref="Sample"/> always samples (workloads call it at the end of each batch), and
/// <see cref="SampleIfDue"/> (called after every chunk of operations) samples only when <c>interval</c> has passed since
/// the last sample, so a run gets at most one sample per interval beyond its batch ends, and none beyond the capacity
/// given. A sample costs a read of <c>/proc/self/statm</c> and a <c>mincore</c> walk of the brk heap, a few
/// microseconds; <see cref="SamplingSeconds"/> says how long all of them took. Sampling does not allocate while fewer
/// samples than the capacity have been taken.
/// </para>
/// </remarks>
public sealed class MemoryTimeline : IDisposable
{
    private readonly Lock _lock = new();
    private readonly RssProbe _probe = new();
    private readonly List<SeriesPoint> _points;
    private readonly int _capacity;
    private readonly long _start;
    private readonly long _intervalTicks;
    private readonly MemoryUse _baseline;
    private long _live;
    private long _lastSample;
    private long _samplingTicks;

    /// <summary>
    /// Takes the baseline sample (nothing live) and gets room for <paramref name="capacity"/> samples in all;
    /// <see cref="SampleIfDue"/> samples at most once per <paramref name="interval"/> (zero: at every call).
    /// </summary>
    public MemoryTimeline(int capacity, TimeSpan interval = default)
    {
        _capacity = Math.Max(1, capacity);
        _points = new List<SeriesPoint>(_capacity);
        _intervalTicks = (long)(interval.TotalSeconds * Stopwatch.Frequency);
        _baseline = _probe.Read();
        _start = _lastSample = Stopwatch.GetTimestamp();
        _points.Add(new SeriesPoint(0, _baseline.RssKib, 0, 0, 0));
    }

    /// <summary>The memory at the baseline, before the workload started.</summary>
    public MemoryUse Baseline => _baseline;

    /// <summary>The samples in the order they were taken, the baseline first.</summary>
    public IReadOnlyList<SeriesPoint> Points
    {
        get
        {
            lock (_lock)
            {
                return [.. _points];
            }
        }
    }

    /// <summary>The time all samples after the baseline took to read, in seconds (the cost of sampling).</summary>
    public double SamplingSeconds => (double)Interlocked.Read(ref _samplingTicks) / Stopwatch.Frequency;

    /// <summary>Counts <paramref name="bytes"/> as live; call it after they were allocated and written.</summary>
    public void Allocated(long bytes)
    {
        lock (_lock)
        {
            _live += bytes;
        }
    }

    /// <summary>Stops counting <paramref name="bytes"/> as live; call it before they are freed.</summary>
    public void Releasing(long bytes)
    {
        lock (_lock)
        {
            _live -= bytes;
        }
    }

    /// <summary>Takes a sample: the bytes live now and then the memory.</summary>
    public void Sample()
    {
        lock (_lock)
        {
            Take();
        }
    }

    /// <summary>Takes a sample if the interval has passed since the last one and there is room for it.</summary>
    public void SampleIfDue()
    {
        if (Stopwatch.GetTimestamp() - Volatile.Read(ref _lastSample) < _intervalTicks)
        {
            return;
        }
        lock (_lock)
        {
            if (_points.Count < _capacity && Stopwatch.GetTimestamp() - _lastSample >= _intervalTicks)
            {
                Take();
            }
        }
    }

    /// <summary>Closes the probe.</summary>
    public void Dispose() => _probe.Dispose();

    /// <summary>One sample, under the lock.</summary>
    private void Take()
    {
        long before = Stopwatch.GetTimestamp();
        MemoryUse now = _probe.Read();
        long after = Stopwatch.GetTimestamp();
        _points.Add(new SeriesPoint(Stopwatch.GetElapsedTime(_start, before).TotalSeconds, now.RssKib, _live,
            now.HeapKib - _baseline.HeapKib, now.MmapKib - _baseline.MmapKib));
        _samplingTicks += after - before;
        Volatile.Write(ref _lastSample, after);
    }
}
