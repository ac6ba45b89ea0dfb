namespace Workbench.Benchmarks.Traces;

/// <summary>
/// One trace event as a replay thread runs it: the object's slot in the replay's block table instead of its id,
/// and the slot's sequence number, so a thread waits until every earlier event on that slot (its allocation on
/// another thread, the free of the slot's previous object) has been done.
/// </summary>
internal struct ReplayOp
{
    /// <summary>The object's id in the trace (for error messages).</summary>
    public long Object;

    /// <summary>The events done on the slot before this one.</summary>
    public long Sequence;

    /// <summary>The bytes asked for.</summary>
    public nuint Size;

    /// <summary>The alignment of an aligned allocation, else 0.</summary>
    public nuint Alignment;

    /// <summary>The slot in the block table.</summary>
    public int Slot;

    /// <summary>What to do.</summary>
    public TraceOperation Operation;

    /// <summary>The byte written into the object's memory (never 0), checked before it is freed.</summary>
    public byte Tag;
}
