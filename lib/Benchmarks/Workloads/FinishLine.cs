namespace Workbench.Benchmarks.Workloads;

/// <summary>
/// The end of a phase in which threads hand blocks to each other: each thread says it has finished its loops (and hands
/// nothing on after that), keeps freeing what it is handed until every thread has finished, then meets the others at a
/// barrier, after which nothing more can arrive and one last drain empties its inbox.
/// </summary>
internal sealed class FinishLine(int threads) : IDisposable
{
    private readonly Barrier _barrier = new(threads);
    private int _finished;

    /// <summary>Whether some thread has finished (rptest stops handing batches on from then).</summary>
    public bool AnyFinished => Volatile.Read(ref _finished) > 0;

    /// <summary>Marks the caller finished, runs <paramref name="drain"/> until all are, then waits at the barrier and drains once more.</summary>
    public void Cross(Action drain)
    {
        ArgumentNullException.ThrowIfNull(drain);
        Interlocked.Increment(ref _finished);
        while (Volatile.Read(ref _finished) < threads)
        {
            drain();
            Thread.Yield();
        }
        _barrier.SignalAndWait();
        drain();
    }

    /// <summary>
    /// For a thread that failed before it crossed: counts it finished and leaves the barrier, so that the others do not
    /// wait for it for ever (its exception then fails the run).
    /// </summary>
    public void Abandon()
    {
        Interlocked.Increment(ref _finished);
        _barrier.RemoveParticipant();
    }

    /// <inheritdoc />
    public void Dispose() => _barrier.Dispose();
}
