using System.Diagnostics;
using Workbench.Benchmarks.Model;
using Workbench.Benchmarks.Platform;

namespace Workbench.Benchmarks.Runner;

/// <summary>
/// Samples this process's memory at a fixed interval on a background thread, for memory-over-time plots and the peak
/// of every benchmark: the RSS, and the brk heap and anonymous mmap memory over the baseline read when the sampler is
/// made (right before the measured run, so the runtime's own memory is left out; <see cref="RssProbe.Read"/>). It
/// reads through its own <see cref="RssProbe"/>, so a sample does not allocate (the list of points grows by doubling).
/// </summary>
public sealed class RssSampler : IDisposable
{
    private readonly List<SeriesPoint> _points = [];
    private readonly Thread? _thread;
    private readonly ManualResetEventSlim _stop = new();
    private readonly RssProbe? _probe;
    private readonly MemoryUse _baseline;
    private readonly long _start = Stopwatch.GetTimestamp();
    private bool _disposed;

    /// <summary>Reads the baseline and starts sampling every <paramref name="intervalMs"/> milliseconds (0: no sampling).</summary>
    public RssSampler(int intervalMs)
    {
        if (intervalMs <= 0)
        {
            return;
        }
        RssProbe probe = new();
        _probe = probe;
        _baseline = probe.Read();
        _thread = new Thread(() =>
        {
            do
            {
                Sample(probe);
            }
            while (!_stop.Wait(intervalMs));
            Sample(probe);
        })
        { IsBackground = true, Name = "rss sampler" };
        _thread.Start();
    }

    /// <summary>The samples so far (complete after <see cref="Dispose"/>).</summary>
    public IReadOnlyList<SeriesPoint> Points
    {
        get
        {
            lock (_points)
            {
                return [.. _points];
            }
        }
    }

    /// <summary>The most brk heap and mmap memory together over the baseline at any sample, KiB; NaN without samples.</summary>
    public double PeakAllocatorKib
    {
        get
        {
            lock (_points)
            {
                return _points.Count == 0 ? double.NaN : _points.Max(p => (double)(p.HeapKib!.Value + p.MmapKib!.Value));
            }
        }
    }

    /// <summary>Stops sampling (after one last sample).</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        _stop.Set();
        _thread?.Join();
        _stop.Dispose();
        _probe?.Dispose();
    }

    private void Sample(RssProbe probe)
    {
        MemoryUse now = probe.Read();
        SeriesPoint point = new(Stopwatch.GetElapsedTime(_start).TotalSeconds, now.RssKib, -1,
            now.HeapKib - _baseline.HeapKib, now.MmapKib - _baseline.MmapKib);
        lock (_points)
        {
            _points.Add(point);
        }
    }
}
