using System.Runtime;

namespace Workbench.Allocator.Preload;

/// <summary>
/// The fast paths of malloc, free and memalign, and malloc_usable_size, as C functions called without a GC transition: the
/// front calls these first, with the thread's heap from its own TLS, and the transitioned routines of
/// <see cref="Exports"/> only when these decline. A malloc+free pair in a C loop took 21 ns through the transitioned
/// routines alone and 12 ns with these (this VM; docs/preload.md).
/// </summary>
/// <remarks>
/// Why no transition is safe here: the code of each (CfaMalloc.FastPaths.cs, BlockHeader.UsableSize) is pointer code
/// on unmanaged memory and non-GC statics, with no call out, no allocation, no exception and no managed reference,
/// so a garbage collection, which takes this thread to be in native code, has nothing of it to scan or move, and it
/// never reaches a GC poll. The statics it reads belong to classes whose constructors <see cref="Lifecycle.Start"/>
/// has run. The front calls these only on an attached thread outside checked mode (where every call must be checked).
/// (malloc_usable_size reads the bucket sizes from SizeClasses' unmanaged table, not from a managed array, which a
/// collection could move.) A misuse that reaches a throw here (a pointer cfa-malloc never returned) ends the process.
/// </remarks>
internal static unsafe class FastExports
{
    /// <summary>A block from the heap's free list, or null: the front then calls the full malloc.</summary>
    [RuntimeExport("cfa_fast_malloc")]
    private static void* Malloc(ThreadHeap* heap, nuint size) => CfaMalloc.MallocFast(heap, size, out void* p) ? p : null;

    /// <summary>1 when the block went onto the heap's free list; 0: the front then calls the full free.</summary>
    [RuntimeExport("cfa_fast_free")]
    private static int Free(ThreadHeap* heap, void* p) => CfaMalloc.FreeFast(heap, p) ? 1 : 0;

    /// <summary>malloc_usable_size of a cfa-malloc block (not null): header arithmetic and the unmanaged size table.</summary>
    [RuntimeExport("cfa_fast_usable_size")]
    private static nuint UsableSize(void* p) => BlockHeader.UsableSize(p);

    /// <summary>An aligned block from the heap's free list (<paramref name="alignment"/> a power of two), or null.</summary>
    [RuntimeExport("cfa_fast_memalign")]
    private static void* Memalign(ThreadHeap* heap, nuint alignment, nuint size) =>
        CfaMalloc.MemalignFast(heap, alignment, size, out void* p) ? p : null;
}
