namespace Workbench.Benchmarks.Traces;

/// <summary>
/// A run of consecutive trace events, split by thread: the unit the dispatcher hands to the replay threads. The
/// thread that finishes the window's last part takes the RSS sample that follows it and returns it to the pool.
/// Its size does not grow with the trace's thread count beyond two ints per thread: the events are kept in one array
/// of <c>capacity</c> ops, grouped by thread (a thread's part is <see cref="Ops"/> from <see cref="Starts"/>[t] for
/// <see cref="Counts"/>[t] ops, in trace order), and only the threads that have events in the window
/// (<see cref="Active"/>) are visited. (It once held <c>capacity</c> ops for every thread: 8 windows of a 4096-thread
/// trace took 1.3 GB.) Invariants: the parts of the active threads tile <c>Ops[0..EventCount)</c>; a thread that is
/// not active has count 0.
/// </summary>
internal sealed class ReplayWindow
{
    private readonly ReplayOp[] _staged;
    private readonly int[] _stagedThread;

    /// <summary>A window for <paramref name="threads"/> threads holding up to <paramref name="capacity"/> events.</summary>
    public ReplayWindow(int threads, int capacity)
    {
        Ops = new ReplayOp[capacity];
        _staged = new ReplayOp[capacity];
        _stagedThread = new int[capacity];
        Starts = new int[threads];
        Counts = new int[threads];
        Active = new int[Math.Min(threads, capacity)];
    }

    /// <summary>Every event of the window, grouped by thread once <see cref="Seal"/> has run.</summary>
    public ReplayOp[] Ops { get; }

    /// <summary>Where each thread's part of <see cref="Ops"/> starts.</summary>
    public int[] Starts { get; }

    /// <summary>How many of <see cref="Ops"/> each thread has.</summary>
    public int[] Counts { get; }

    /// <summary>The threads that have events in this window, in the order of their first event (<see cref="ActiveCount"/> of them).</summary>
    public int[] Active { get; }

    /// <summary>How many of <see cref="Active"/> are set.</summary>
    public int ActiveCount { get; private set; }

    /// <summary>Events in the window.</summary>
    public int EventCount { get; private set; }

    /// <summary>Threads that still have to finish their part.</summary>
    public int Remaining;

    /// <summary>Whether an RSS sample follows this window.</summary>
    public bool Sample { get; set; }

    /// <summary>Events of the trace up to the end of this window.</summary>
    public long EventsEnd { get; set; }

    /// <summary>Bytes asked for and not freed after this window's events (exact, from the trace).</summary>
    public long LiveBytes { get; set; }

    /// <summary>The next event of <paramref name="thread"/>, in trace order, to be filled in by the caller.</summary>
    public ref ReplayOp Add(int thread)
    {
        if (Counts[thread]++ == 0)
        {
            Active[ActiveCount++] = thread;
        }
        _stagedThread[EventCount] = thread;
        return ref _staged[EventCount++];
    }

    /// <summary>Groups the events added by thread into <see cref="Ops"/> (keeping each thread's order) and counts <see cref="Remaining"/>.</summary>
    public void Seal()
    {
        int start = 0;
        for (int i = 0; i < ActiveCount; i++)
        {
            int t = Active[i];
            Starts[t] = start;
            start += Counts[t];
        }
        Span<int> next = ActiveCount <= 256 ? stackalloc int[ActiveCount] : new int[ActiveCount];
        for (int i = 0; i < ActiveCount; i++)
        {
            next[i] = Starts[Active[i]];
        }
        if (ActiveCount == 1)
        {
            Array.Copy(_staged, Ops, EventCount);
        }
        else
        {
            // Starts doubles as the cursor of each thread while the events are placed, then is put back.
            for (int e = 0; e < EventCount; e++)
            {
                Ops[Starts[_stagedThread[e]]++] = _staged[e];
            }
            for (int i = 0; i < ActiveCount; i++)
            {
                Starts[Active[i]] = next[i];
            }
        }
        Remaining = ActiveCount;
    }

    /// <summary>Empties the window (visiting only the threads it had).</summary>
    public void Clear()
    {
        for (int i = 0; i < ActiveCount; i++)
        {
            Counts[Active[i]] = 0;
        }
        ActiveCount = 0;
        EventCount = 0;
        Remaining = 0;
        Sample = false;
    }
}
