using System.Collections.Concurrent;
using System.Diagnostics;
using Workbench.Benchmarks.Allocators;
using Workbench.Benchmarks.Model;
using Workbench.Benchmarks.Platform;
using Workbench.Benchmarks.Traces;

namespace Workbench.Benchmarks.Workloads;

/// <summary>
/// How trace-replay streams a trace: the calling thread decodes it into windows of events (<see cref="ReplayDispatcher"/>)
/// taken from a small pool, and hands each window to the replay threads that have events in it, one thread per
/// thread of the trace; the thread that finishes a window last takes the RSS sample that follows it, if any, and
/// returns the window to the pool. A trace of any length thus replays in constant memory.
/// </summary>
internal static class StreamedReplay
{
    /// <summary>The most events in one window (the dispatcher fills windows up to it).</summary>
    public const int WindowEvents = 1024;

    private const int PoolWindows = 8;

    /// <summary>
    /// Replays the events of <paramref name="dispatcher"/> on <paramref name="replay"/> with <paramref name="threads"/>
    /// replay threads, from a baseline RSS sample taken after a garbage collection. On a failure the first one stops
    /// every thread, the blocks still held are freed and the failure is thrown.
    /// </summary>
    public static ReplayMeasurement Run<TAllocator>(TraceReplayer<TAllocator> replay, ReplayDispatcher dispatcher, int threads)
        where TAllocator : struct, IAllocator
    {
        BlockingCollection<ReplayWindow> pool = [];
        for (int i = 0; i < PoolWindows; i++)
        {
            pool.Add(new ReplayWindow(threads, WindowEvents));
        }
        BlockingCollection<ReplayWindow>[] queues = [.. Enumerable.Range(0, threads).Select(_ => new BlockingCollection<ReplayWindow>())];
        ConcurrentQueue<SeriesPoint> samples = new();
        using RssProbe rss = new();
        using CancellationTokenSource cancel = new();
        long[] busy = new long[threads];
        List<Exception> errors = [];
        GC.Collect();
        // The runtime's baseline: heap and mmap in every sample are over it (RssProbe.Read).
        MemoryUse baseline = rss.Read();
        long rss0 = baseline.RssKib;
        long start = Stopwatch.GetTimestamp();
        samples.Enqueue(new SeriesPoint(0, rss0, 0, 0, 0));

        void Fail(Exception e)
        {
            lock (errors)
            {
                errors.Add(e);
                if (!cancel.IsCancellationRequested)
                {
                    cancel.Cancel();
                    pool.CompleteAdding();
                    foreach (BlockingCollection<ReplayWindow> queue in queues)
                    {
                        queue.CompleteAdding();
                    }
                }
            }
        }

        // A replay thread starts when its trace thread first has events, so a short run (the priming run's 10 events)
        // of a trace with thousands of threads starts only the few it needs.
        Thread?[] workers = new Thread?[threads];
        void Start(int thread)
        {
            Thread worker = new(() =>
            {
                try
                {
                    // No cancellation token on the blocking calls (each call with one allocates): a failure completes the
                    // collections instead, and the replay loop watches the token.
                    foreach (ReplayWindow window in queues[thread].GetConsumingEnumerable())
                    {
                        long begin = Stopwatch.GetTimestamp();
                        replay.Run(window.Ops, window.Starts[thread], window.Counts[thread], cancel.Token);
                        busy[thread] += Stopwatch.GetTimestamp() - begin;
                        if (Interlocked.Decrement(ref window.Remaining) == 0)
                        {
                            if (window.Sample)
                            {
                                MemoryUse now = rss.Read();
                                samples.Enqueue(new SeriesPoint(Stopwatch.GetElapsedTime(start).TotalSeconds, now.RssKib, window.LiveBytes,
                                    now.HeapKib - baseline.HeapKib, now.MmapKib - baseline.MmapKib));
                            }
                            if (!pool.IsAddingCompleted)
                            {
                                pool.Add(window);
                            }
                        }
                    }
                }
                catch (OperationCanceledException) when (cancel.IsCancellationRequested)
                {
                }
                catch (InvalidOperationException) when (cancel.IsCancellationRequested)
                {
                }
                catch (Exception e)
                {
                    Fail(e);
                }
            })
            { IsBackground = true, Name = $"replay {thread}" };
            workers[thread] = worker;
            worker.Start();
        }

        try
        {
            while (!cancel.IsCancellationRequested)
            {
                ReplayWindow window = pool.Take();
                if (!dispatcher.Fill(window))
                {
                    break;
                }
                for (int i = 0; i < window.ActiveCount; i++)
                {
                    int t = window.Active[i];
                    if (workers[t] is null)
                    {
                        Start(t);
                    }
                    queues[t].Add(window);
                }
            }
        }
        catch (InvalidOperationException) when (cancel.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            Fail(e);
        }
        foreach (BlockingCollection<ReplayWindow> queue in queues)
        {
            queue.CompleteAdding();
        }
        foreach (Thread? worker in workers)
        {
            worker?.Join();
        }
        double wall = Stopwatch.GetElapsedTime(start).TotalSeconds;
        foreach (BlockingCollection<ReplayWindow> queue in queues)
        {
            queue.Dispose();
        }
        pool.Dispose();
        if (errors.Count > 0)
        {
            replay.ReleaseAll();
            throw errors.Count == 1 ? errors[0] : new AggregateException(errors);
        }
        return new ReplayMeasurement(busy.Max() / (double)Stopwatch.Frequency, wall, rss0, [.. samples.OrderBy(s => s.Seconds)]);
    }
}
