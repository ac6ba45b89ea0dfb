using System.Diagnostics;
using Workbench.Benchmarks.Model;
using Workbench.Benchmarks.Platform;

namespace Workbench.Benchmarks.Workloads;

/// <summary>
/// The bytes a workload has live and the process's RSS, sampled together so that every sample's RSS holds all the
/// bytes counted live in it. Threads report <see cref="Allocated"/> after they have allocated and written blocks and
/// <see cref="Releasing"/> before they free them, so the count never holds a byte that is not allocated and
/// written. The count's changes and each sample (the count, then the RSS read) take one lock, so no counted byte can
/// be freed between the two. The first sample is the baseline, taken when the timeline is made, with nothing live.
/// Sampling does not allocate while fewer samples than the capacity have been taken.
/// </summary>
public sealed class MemoryTimeline : IDisposable
{
    private readonly Lock _lock = new();
    private readonly RssProbe _probe = new();
    private readonly List<SeriesPoint> _points;
    private readonly long _start;
    private long _live;

    /// <summary>Takes the baseline sample (nothing live) and gets room for <paramref name="capacity"/> samples in all.</summary>
    public MemoryTimeline(int capacity)
    {
        _points = new List<SeriesPoint>(Math.Max(1, capacity));
        _start = Stopwatch.GetTimestamp();
        _points.Add(new SeriesPoint(0, _probe.CurrentKib(), 0));
    }

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

    /// <summary>Takes a sample: the bytes live now and then the RSS.</summary>
    public void Sample()
    {
        lock (_lock)
        {
            _points.Add(new SeriesPoint(Stopwatch.GetElapsedTime(_start).TotalSeconds, _probe.CurrentKib(), _live));
        }
    }

    /// <summary>Closes the RSS probe.</summary>
    public void Dispose() => _probe.Dispose();
}
