using System.Runtime.CompilerServices;

namespace Workbench.Benchmarks.Allocators;

/// <summary>
/// The garbage collector: <c>new byte[n]</c>; free drops the reference and the GC reclaims the array
/// later. There is no aligned allocation (the workloads skip it).
/// </summary>
public readonly struct GcAllocator : IAllocator
{
    /// <inheritdoc />
    public AllocatorFeatures Features => AllocatorFeatures.Calloc | AllocatorFeatures.Realloc;

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Block Malloc(nuint size) => new(new byte[size], size);

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Free(Block block)
    {
    }

    /// <inheritdoc />
    public Block Calloc(nuint count, nuint size) => new(new byte[checked(count * size)], count * size);

    /// <inheritdoc />
    public Block Realloc(Block block, nuint size)
    {
        byte[] array = block.Array ?? [];
        if ((nuint)array.Length >= size)
        {
            return block.WithSize(size);
        }
        byte[] moved = new byte[size];
        array.AsSpan(0, (int)block.Size).CopyTo(moved);
        return new Block(moved, size);
    }

    /// <inheritdoc />
    public Block AlignedAlloc(nuint alignment, nuint size) => throw new NotSupportedException("gc has no aligned allocation");

    /// <inheritdoc />
    public void AlignedFree(Block block) => throw new NotSupportedException("gc has no aligned allocation");

    /// <inheritdoc />
    public void ReleaseFreeMemory() => ManagedRelease.Run();

    /// <inheritdoc />
    public string ReleaseCall => ManagedRelease.Call;
}
