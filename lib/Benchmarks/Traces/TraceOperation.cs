namespace Workbench.Benchmarks.Traces;

/// <summary>What one trace event does. The numbers are the low three bits of an event's first byte in the file.</summary>
public enum TraceOperation : byte
{
    /// <summary>malloc: a new object of <see cref="TraceEvent.Size"/> bytes.</summary>
    Malloc = 0,

    /// <summary>calloc: a new zero-filled object of <see cref="TraceEvent.Size"/> bytes (count times size, multiplied out).</summary>
    Calloc = 1,

    /// <summary>realloc: an existing object gets <see cref="TraceEvent.Size"/> bytes, keeping its id and its contents up to the smaller size.</summary>
    Realloc = 2,

    /// <summary>aligned allocation: a new object of <see cref="TraceEvent.Size"/> bytes on a multiple of <see cref="TraceEvent.Alignment"/>.</summary>
    AlignedAlloc = 3,

    /// <summary>free: an existing object is released.</summary>
    Free = 4,
}
