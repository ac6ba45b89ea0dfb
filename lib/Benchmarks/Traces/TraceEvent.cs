namespace Workbench.Benchmarks.Traces;

/// <summary>One event of a trace.</summary>
/// <param name="Operation">What happens.</param>
/// <param name="Object">
/// The object's id: objects are numbered 0, 1, 2, ... in the order they are allocated, and an id is never reused
/// (a realloc keeps the id of its object).
/// </param>
/// <param name="Size">The bytes asked for (malloc, calloc, aligned allocation, realloc); 0 for free.</param>
/// <param name="Alignment">The alignment of an aligned allocation (a power of two); 0 for every other operation.</param>
/// <param name="Thread">The thread that made the call, numbered 0, 1, 2, ... in the order threads first appear.</param>
public readonly record struct TraceEvent(TraceOperation Operation, long Object, ulong Size, ulong Alignment, int Thread)
{
    /// <summary>Whether the event creates a new object (malloc, calloc, aligned allocation).</summary>
    public bool IsAllocation => Operation is TraceOperation.Malloc or TraceOperation.Calloc or TraceOperation.AlignedAlloc;
}
