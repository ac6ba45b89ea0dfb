using System.Collections.Concurrent;

namespace Workbench.Benchmarks.Workloads;

/// <summary>
/// A thread pool of its own for the <c>async</c> benchmark: <c>threads</c> fresh threads that take tasks from one shared
/// FIFO queue, as the .NET pool's threads take the work that I/O completions queue globally. An <c>await</c> in a task
/// it runs resumes through this scheduler, on whichever of its threads is free. Its threads end when it is disposed,
/// so an allocator that keeps per-thread state until the trial ends (the bump and lifo floors) sees no thread outlive
/// the run, as it would with the process-wide .NET pool.
/// </summary>
internal sealed class WorkerPoolScheduler : TaskScheduler, IDisposable
{
    private readonly BlockingCollection<Task> _queue = [];
    private readonly Thread[] _threads;

    /// <summary>Starts <paramref name="threads"/> threads.</summary>
    public WorkerPoolScheduler(int threads)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        _threads = new Thread[threads];
        for (int i = 0; i < threads; i++)
        {
            _threads[i] = new Thread(Work) { IsBackground = true, Name = $"async pool {i}" };
            _threads[i].Start();
        }
    }

    /// <inheritdoc />
    public override int MaximumConcurrencyLevel => _threads.Length;

    /// <summary>Lets the queued tasks finish, then ends the threads.</summary>
    public void Dispose()
    {
        _queue.CompleteAdding();
        foreach (Thread thread in _threads)
        {
            thread.Join();
        }
        _queue.Dispose();
    }

    /// <inheritdoc />
    protected override void QueueTask(Task task) => _queue.Add(task);

    /// <inheritdoc />
    protected override bool TryExecuteTaskInline(Task task, bool taskWasPreviouslyQueued) => false;

    /// <inheritdoc />
    protected override IEnumerable<Task> GetScheduledTasks() => [.. _queue];

    private void Work()
    {
        foreach (Task task in _queue.GetConsumingEnumerable())
        {
            TryExecuteTask(task);
        }
    }
}
