using System.Runtime.CompilerServices;
using Workbench.Allocator;

namespace Workbench.Benchmarks.Allocators;

/// <summary>
/// cfa-malloc, this project's allocator: direct static calls that the JIT can inline into the loop.
/// Ownership is a start-up option of the process (<c>CFA_MALLOC_OWNERSHIP=0</c> for <c>cfa-noown</c>),
/// so both catalogue entries use this one adapter and differ in the trial process's environment.
/// </summary>
public readonly unsafe struct CfaAllocator : IAllocator
{
    /// <inheritdoc />
    public AllocatorFeatures Features => AllocatorFeatures.All;

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Block Malloc(nuint size) => new(CfaMalloc.Malloc(size), size);

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Free(Block block) => CfaMalloc.Free((void*)block.Address);

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Block Calloc(nuint count, nuint size) => new(CfaMalloc.Calloc(count, size), count * size);

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Block Realloc(Block block, nuint size) => new(CfaMalloc.Realloc((void*)block.Address, size), size);

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Block AlignedAlloc(nuint alignment, nuint size) => new(CfaMalloc.AlignedAlloc(alignment, size), size);

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void AlignedFree(Block block) => CfaMalloc.Free((void*)block.Address);

    /// <inheritdoc />
    public void ReleaseFreeMemory() => CfaMalloc.MallocTrim(0);

    /// <inheritdoc />
    public string ReleaseCall => "MallocTrim(0)";

    /// <inheritdoc />
    public void ThreadEnding() => CfaMalloc.ThreadDone();
}
