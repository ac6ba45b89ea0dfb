using System.Diagnostics;
using Workbench.Benchmarks.Platform;

namespace Workbench.Benchmarks.Workloads;

/// <summary>Starts worker threads together and times them from the common start to the last one's end.</summary>
public static class ThreadGang
{
    /// <summary>Runs <paramref name="body"/>(i) on <paramref name="threads"/> fresh threads; returns the elapsed seconds and the first worker's CPUs.</summary>
    /// <exception cref="AggregateException">A worker threw.</exception>
    public static GangResult Run(int threads, Action<int> body)
    {
        ArgumentNullException.ThrowIfNull(body);
        // The clock starts in the barrier's post-phase action, which runs before any thread is released,
        // so a worker can never start before the clock even when the calling thread is descheduled.
        long start = 0;
        ulong workerCpuMask = 0;
        using Barrier barrier = new(threads + 1, _ => start = Stopwatch.GetTimestamp());
        List<Exception> errors = [];
        Thread[] workers = new Thread[threads];
        for (int i = 0; i < threads; i++)
        {
            int index = i;
            workers[i] = new Thread(() =>
            {
                if (index == 0)
                {
                    workerCpuMask = CpuAffinity.MaskOfCallingThread();
                }
                barrier.SignalAndWait();
                try
                {
                    body(index);
                }
                catch (Exception e)
                {
                    lock (errors)
                    {
                        errors.Add(e);
                    }
                }
            })
            { IsBackground = true, Name = $"worker {i}" };
            workers[i].Start();
        }
        barrier.SignalAndWait();
        foreach (Thread worker in workers)
        {
            worker.Join();
        }
        double elapsed = Stopwatch.GetElapsedTime(start).TotalSeconds;
        if (errors.Count > 0)
        {
            throw new AggregateException(errors);
        }
        return new GangResult(elapsed, workerCpuMask);
    }
}
