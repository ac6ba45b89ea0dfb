using System.Diagnostics;
using Workbench.Benchmarks.Model;
using Workbench.Benchmarks.Platform;

namespace Workbench.Benchmarks.Runner;

/// <summary>
/// Samples this process's RSS at a fixed interval on a background thread, for memory-over-time plots. It reads
/// through its own <see cref="RssProbe"/>, so a sample does not allocate (the list of points grows by doubling).
/// </summary>
public sealed class RssSampler : IDisposable
{
    private readonly List<SeriesPoint> _points = [];
    private readonly Thread? _thread;
    private readonly ManualResetEventSlim _stop = new();
    private readonly RssProbe? _probe;
    private readonly long _start = Stopwatch.GetTimestamp();
    private bool _disposed;

    /// <summary>Starts sampling every <paramref name="intervalMs"/> milliseconds (0: no sampling).</summary>
    public RssSampler(int intervalMs)
    {
        if (intervalMs <= 0)
        {
            return;
        }
        RssProbe probe = new();
        _probe = probe;
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
        SeriesPoint point = new(Stopwatch.GetElapsedTime(_start).TotalSeconds, probe.CurrentKib(), -1);
        lock (_points)
        {
            _points.Add(point);
        }
    }
}
