using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Workbench.Benchmarks.Allocators;

/// <summary>.NET's <see cref="NativeMemory"/>: a thin layer over the C library's malloc.</summary>
public readonly unsafe struct NativeMemoryAllocator : IAllocator
{
    /// <inheritdoc />
    public AllocatorFeatures Features => AllocatorFeatures.All;

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Block Malloc(nuint size) => new(NativeMemory.Alloc(size), size);

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Free(Block block) => NativeMemory.Free((void*)block.Address);

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Block Calloc(nuint count, nuint size) => new(NativeMemory.AllocZeroed(count, size), count * size);

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Block Realloc(Block block, nuint size) => new(NativeMemory.Realloc((void*)block.Address, size), size);

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Block AlignedAlloc(nuint alignment, nuint size) => new(NativeMemory.AlignedAlloc(size, alignment), size);

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void AlignedFree(Block block) => NativeMemory.AlignedFree((void*)block.Address);

    /// <inheritdoc />
    public void ReleaseFreeMemory() => MallocTrim(0);

    /// <inheritdoc />
    public string ReleaseCall => "malloc_trim(0)";

    [DllImport("libc", EntryPoint = "malloc_trim")]
    private static extern int MallocTrim(nuint pad);
}
