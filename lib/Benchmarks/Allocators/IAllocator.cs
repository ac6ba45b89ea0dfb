namespace Workbench.Benchmarks.Allocators;

/// <summary>
/// The face every allocator under test shows to the workloads.
/// </summary>
/// <remarks>
/// Workloads never call an allocator through this interface as an object: every benchmark loop is a
/// generic method constrained with <c>where TAllocator : struct, IAllocator</c>. For a struct type
/// argument the JIT compiles a separate copy of the loop in which each call is a direct (and usually
/// inlined) call of the struct's method, so no virtual or interface dispatch sits between the
/// benchmark and the allocator. A native allocator's struct holds unmanaged function pointers
/// (<c>delegate* unmanaged</c>), so its call is one indirect call straight into the library.
/// Adapters are expected to be small, immutable structs that are cheap to copy to every thread.
/// </remarks>
public interface IAllocator
{
    /// <summary>The routines this allocator offers beyond malloc and free.</summary>
    AllocatorFeatures Features { get; }

    /// <summary>Allocates <paramref name="size"/> bytes; a null block when the allocator is out of memory.</summary>
    Block Malloc(nuint size);

    /// <summary>Releases a block that <see cref="Malloc"/>, <see cref="Calloc"/> or <see cref="Realloc"/> returned.</summary>
    void Free(Block block);

    /// <summary>Allocates <paramref name="count"/> * <paramref name="size"/> zero-filled bytes.</summary>
    Block Calloc(nuint count, nuint size);

    /// <summary>Resizes a block, moving (and copying) it when needed.</summary>
    Block Realloc(Block block, nuint size);

    /// <summary>Allocates <paramref name="size"/> bytes aligned on <paramref name="alignment"/> (a power of two).</summary>
    Block AlignedAlloc(nuint alignment, nuint size);

    /// <summary>Releases a block that <see cref="AlignedAlloc"/> returned.</summary>
    void AlignedFree(Block block);

    /// <summary>
    /// Asks the allocator to give the free memory it holds back to the OS, with its own call for that (malloc_trim,
    /// mi_collect, a jemalloc arena purge, ...), as a program would before going idle; <see cref="ReleaseCall"/> names
    /// it. An allocator with no such call does nothing.
    /// </summary>
    void ReleaseFreeMemory()
    {
    }

    /// <summary>What <see cref="ReleaseFreeMemory"/> calls, for the record of a trial ("none" when nothing).</summary>
    string ReleaseCall => "none";

    /// <summary>
    /// Tells the allocator that the calling thread is about to end, as a C thread's exit does through the allocator's
    /// thread-specific destructor; nothing for the native allocators, whose destructors run when the thread ends.
    /// </summary>
    void ThreadEnding()
    {
    }
}
