using System.Buffers;
using System.Runtime.CompilerServices;

namespace Workbench.Benchmarks.Allocators;

/// <summary>
/// <see cref="ArrayPool{T}.Shared"/>: rent an array of at least the size, return it on free. Arrays come
/// in power-of-two lengths; beyond the pool's largest bucket they are plain GC arrays.
/// </summary>
public readonly struct ArrayPoolAllocator : IAllocator
{
    /// <inheritdoc />
    public AllocatorFeatures Features => AllocatorFeatures.Calloc | AllocatorFeatures.Realloc;

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Block Malloc(nuint size) => new(ArrayPool<byte>.Shared.Rent((int)size), size);

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Free(Block block)
    {
        if (block.Array is { } array)
        {
            ArrayPool<byte>.Shared.Return(array);
        }
    }

    /// <inheritdoc />
    public Block Calloc(nuint count, nuint size)
    {
        nuint total = checked(count * size);
        byte[] array = ArrayPool<byte>.Shared.Rent((int)total);
        array.AsSpan(0, (int)total).Clear();
        return new Block(array, total);
    }

    /// <inheritdoc />
    public Block Realloc(Block block, nuint size)
    {
        byte[] array = block.Array ?? [];
        if ((nuint)array.Length >= size)
        {
            return block.WithSize(size);
        }
        byte[] moved = ArrayPool<byte>.Shared.Rent((int)size);
        array.AsSpan(0, (int)block.Size).CopyTo(moved);
        Free(block);
        return new Block(moved, size);
    }

    /// <inheritdoc />
    public Block AlignedAlloc(nuint alignment, nuint size) => throw new NotSupportedException("arraypool has no aligned allocation");

    /// <inheritdoc />
    public void AlignedFree(Block block) => throw new NotSupportedException("arraypool has no aligned allocation");

    /// <inheritdoc />
    public void ReleaseFreeMemory() => ManagedRelease.Run();

    /// <inheritdoc />
    public string ReleaseCall => ManagedRelease.Call;
}
