namespace Workbench.Benchmarks.Traces;

/// <summary>
/// Reads a trace as a stream and turns its events into <see cref="ReplayWindow"/>s for the replay threads: object ids
/// become slots of a block table as large as the trace's peak of live objects, each event gets its slot's sequence
/// number, and the live requested bytes are followed exactly. A freed slot is reused first by the thread that freed
/// it (no wait), then fresh slots are used, and only then the oldest slot another thread freed, so that slot reuse
/// adds as few waits between threads as possible that the recorded program did not have.
/// </summary>
internal sealed class ReplayDispatcher
{
    private readonly TraceReader _reader;
    private readonly string _name;
    private readonly long _sampleEvery;
    private readonly long _maxEvents;
    private readonly int _windowEvents;
    private readonly Dictionary<long, (int Slot, long Size)> _live;
    private readonly Queue<int>[] _freeSlots;
    private readonly long[] _dispatched;
    private int _usedSlots;
    private int _victim;

    /// <summary>A dispatcher over <paramref name="reader"/> with a block table of <paramref name="slots"/> slots (at least the most objects live among the events it will hand out).</summary>
    public ReplayDispatcher(TraceReader reader, string name, int windowEvents, long sampleEvery, long maxEvents, int slots)
    {
        _reader = reader;
        _name = name;
        _windowEvents = windowEvents;
        _sampleEvery = sampleEvery;
        _maxEvents = maxEvents;
        _live = new Dictionary<long, (int, long)>(slots);
        _dispatched = new long[slots];
        _freeSlots = [.. Enumerable.Range(0, Math.Max(1, reader.Info.Threads)).Select(_ => new Queue<int>())];
        // Make the tables' pages resident before the replay's first RSS sample (see the replay's own tables).
        for (int i = 0; i < slots; i++)
        {
            _live[-1 - i] = default;
        }
        _live.Clear();
        Array.Clear(_dispatched);
    }

    /// <summary>Slots of the block table (the trace's peak of live objects, or fewer for a replay of its first events).</summary>
    public int Slots => _dispatched.Length;

    /// <summary>Events handed out so far.</summary>
    public long Events { get; private set; }

    /// <summary>Bytes asked for and not freed, after the events handed out.</summary>
    public long LiveBytes { get; private set; }

    /// <summary>The peak of <see cref="LiveBytes"/>.</summary>
    public long PeakLiveBytes { get; private set; }

    /// <summary>The slots of the objects still live (the trace never freed them).</summary>
    public IEnumerable<int> LiveSlots => _live.Values.Select(v => v.Slot);

    /// <summary>Objects still live.</summary>
    public int LiveObjects => _live.Count;

    /// <summary>Fills <paramref name="window"/> with the next events; false when there are none left.</summary>
    /// <exception cref="TraceFormatException">The trace file is truncated or corrupted.</exception>
    /// <exception cref="InvalidDataException">The events contradict themselves or the summary.</exception>
    public bool Fill(ReplayWindow window)
    {
        window.Clear();
        long toBoundary = _sampleEvery - Events % _sampleEvery;
        long wanted = Math.Min(Math.Min(_windowEvents, toBoundary), _maxEvents - Events);
        int taken = 0;
        while (taken < wanted && _reader.TryRead(out TraceEvent e))
        {
            ref ReplayOp op = ref window.Add(e.Thread);
            op.Object = e.Object;
            op.Operation = e.Operation;
            op.Size = (nuint)e.Size;
            op.Alignment = (nuint)e.Alignment;
            op.Tag = Tag(e.Object);
            op.Slot = e.IsAllocation ? Allocate(e) : Existing(e);
            op.Sequence = _dispatched[op.Slot]++;
            Events++;
            taken++;
            PeakLiveBytes = Math.Max(PeakLiveBytes, LiveBytes);
        }
        if (taken == 0)
        {
            return false;
        }
        window.Seal();
        window.EventsEnd = Events;
        window.LiveBytes = LiveBytes;
        window.Sample = Events % _sampleEvery == 0 || taken < wanted || Events >= _maxEvents;
        return true;
    }

    /// <summary>The byte an object's memory is filled with: from its id, never 0 (so zeroed memory never passes for it).</summary>
    public static byte Tag(long id) => (byte)((((ulong)id * 0x9E3779B97F4A7C15UL) >> 56) | 1);

    private int Allocate(in TraceEvent e)
    {
        if (!_freeSlots[e.Thread].TryDequeue(out int slot))
        {
            if (_usedSlots < _dispatched.Length)
            {
                slot = _usedSlots++;
            }
            else if (!Steal(out slot))
            {
                throw new InvalidDataException($"trace '{_name}' is corrupted: event {Events} makes more objects live at once than its summary's peak of {_dispatched.Length}; record or import it again");
            }
        }
        _live.Add(e.Object, (slot, (long)e.Size));
        LiveBytes += (long)e.Size;
        return slot;
    }

    private bool Steal(out int slot)
    {
        for (int i = 0; i < _freeSlots.Length; i++)
        {
            _victim = (_victim + 1) % _freeSlots.Length;
            if (_freeSlots[_victim].TryDequeue(out slot))
            {
                return true;
            }
        }
        slot = -1;
        return false;
    }

    private int Existing(in TraceEvent e)
    {
        if (!_live.TryGetValue(e.Object, out (int Slot, long Size) entry))
        {
            throw new InvalidDataException($"trace '{_name}' is corrupted: event {Events} ({e.Operation}) names object {e.Object}, which is not live; record or import it again");
        }
        if (e.Operation == TraceOperation.Free)
        {
            _live.Remove(e.Object);
            _freeSlots[e.Thread].Enqueue(entry.Slot);
            LiveBytes -= entry.Size;
        }
        else
        {
            _live[e.Object] = (entry.Slot, (long)e.Size);
            LiveBytes += (long)e.Size - entry.Size;
        }
        return entry.Slot;
    }
}
