namespace Workbench.Benchmarks.Traces;

/// <summary>
/// A run of consecutive trace events, split by thread: the unit the dispatcher hands to the replay threads. The
/// thread that finishes the window's last part takes the RSS sample that follows it and returns it to the pool.
/// </summary>
internal sealed class ReplayWindow
{
    /// <summary>A window for <paramref name="threads"/> threads holding up to <paramref name="capacity"/> events.</summary>
    public ReplayWindow(int threads, int capacity)
    {
        Ops = new ReplayOp[threads][];
        for (int t = 0; t < threads; t++)
        {
            Ops[t] = new ReplayOp[capacity];
        }
        Counts = new int[threads];
    }

    /// <summary>Each thread's events, in trace order.</summary>
    public ReplayOp[][] Ops { get; }

    /// <summary>How many of <see cref="Ops"/> each thread has.</summary>
    public int[] Counts { get; }

    /// <summary>Threads that still have to finish their part.</summary>
    public int Remaining;

    /// <summary>Whether an RSS sample follows this window.</summary>
    public bool Sample { get; set; }

    /// <summary>Events of the trace up to the end of this window.</summary>
    public long EventsEnd { get; set; }

    /// <summary>Bytes asked for and not freed after this window's events (exact, from the trace).</summary>
    public long LiveBytes { get; set; }

    /// <summary>Empties the window.</summary>
    public void Clear()
    {
        Array.Clear(Counts);
        Remaining = 0;
        Sample = false;
    }
}
