namespace Workbench.Allocator;

/// <summary>What checked mode found wrong with a block.</summary>
public enum HeapProblem
{
    /// <summary>The block was freed already.</summary>
    DoubleFree,

    /// <summary>The pointer was never returned by the allocator (or not at this address).</summary>
    UnknownPointer,

    /// <summary>The block's header (or fake header) no longer holds what the allocator wrote.</summary>
    HeaderOverwritten,

    /// <summary>Bytes past the request size (in the block's slack) were written.</summary>
    Overrun,

    /// <summary>The block was written after it was freed (found when it is handed out again).</summary>
    WriteAfterFree,

    /// <summary>A block freed already was passed to realloc or resize.</summary>
    FreedBlock,
}

/// <summary>
/// Thrown when a misuse of the heap is detected, before anything is changed: in every mode a double free, a free of a
/// pointer whose header names no block of this allocator, and realloc of a freed block; in checked mode also
/// overwritten headers, overruns and writes after free.
/// </summary>
public sealed class HeapCorruptionException : Exception
{
    /// <summary>Creates the exception for <paramref name="problem"/> at <paramref name="address"/>.</summary>
    public HeapCorruptionException(HeapProblem problem, nuint address, string detail)
        : base($"cfa-malloc{(Policy.Checked ? " checked mode" : "")}: {Describe(problem)} at 0x{(ulong)address:x}: {detail}")
    {
        Problem = problem;
        Address = address;
    }

    /// <summary>What is wrong.</summary>
    public HeapProblem Problem { get; }

    /// <summary>The address of the block's data (the pointer the program holds).</summary>
    public nuint Address { get; }

    private static string Describe(HeapProblem problem) => problem switch
    {
        HeapProblem.DoubleFree => "double free",
        HeapProblem.UnknownPointer => "free of a pointer the allocator never returned",
        HeapProblem.HeaderOverwritten => "block header overwritten",
        HeapProblem.Overrun => "write past the requested size",
        HeapProblem.WriteAfterFree => "write after free",
        HeapProblem.FreedBlock => "realloc of a block that was freed",
        _ => problem.ToString(),
    };
}
