using System.Runtime.CompilerServices;

namespace Workbench.Benchmarks.Allocators;

/// <summary>
/// A native allocator (glibc, jemalloc, tcmalloc, mimalloc, tbb) called through unmanaged function
/// pointers: each call is one indirect call into the library, with no marshalling and no GC transition.
/// </summary>
/// <remarks>
/// The pointers are <c>unmanaged[SuppressGCTransition]</c>: the fastest way a C# program can call a
/// native allocator (a plain P/Invoke such as <c>NativeMemory.Alloc</c>, the <c>nativememory</c> entry,
/// pays the switch to preemptive mode and back on every call). It is safe here because these routines
/// never call back into .NET; its cost is that a GC waits for a thread that is inside one of them
/// (e.g. in an mmap), which a benchmark can afford. The peers are thus measured at their best.
/// </remarks>
public readonly unsafe struct NativeAllocator : IAllocator
{
    private readonly delegate* unmanaged[SuppressGCTransition]<nuint, void*> _malloc;
    private readonly delegate* unmanaged[SuppressGCTransition]<void*, void> _free;
    private readonly delegate* unmanaged[SuppressGCTransition]<nuint, nuint, void*> _calloc;
    private readonly delegate* unmanaged[SuppressGCTransition]<void*, nuint, void*> _realloc;
    private readonly delegate* unmanaged[SuppressGCTransition]<nuint, nuint, void*> _aligned;
    private readonly delegate* unmanaged[SuppressGCTransition]<void*, void> _alignedFree;
    private readonly bool _alignedSizeFirst;
    private readonly NativeFunctions _functions;

    /// <summary>An adapter over routines already resolved.</summary>
    public NativeAllocator(NativeFunctions functions)
    {
        _malloc = functions.Malloc;
        _free = functions.Free;
        _calloc = functions.Calloc;
        _realloc = functions.Realloc;
        _aligned = functions.Aligned;
        _alignedFree = functions.AlignedFree;
        _alignedSizeFirst = functions.Spec.AlignedSizeFirst;
        _functions = functions;
    }

    /// <inheritdoc />
    public AllocatorFeatures Features => AllocatorFeatures.All;

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Block Malloc(nuint size) => new(_malloc(size), size);

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Free(Block block) => _free((void*)block.Address);

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Block Calloc(nuint count, nuint size) => new(_calloc(count, size), count * size);

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Block Realloc(Block block, nuint size) => new(_realloc((void*)block.Address, size), size);

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Block AlignedAlloc(nuint alignment, nuint size)
        => new(_alignedSizeFirst ? _aligned(size, alignment) : _aligned(alignment, size), size);

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void AlignedFree(Block block) => _alignedFree((void*)block.Address);

    /// <inheritdoc />
    public void ReleaseFreeMemory() => _functions.ReleaseFreeMemory();

    /// <inheritdoc />
    public string ReleaseCall => _functions.ReleaseCall;
}
