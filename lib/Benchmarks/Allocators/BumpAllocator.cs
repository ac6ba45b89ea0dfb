using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Workbench.Benchmarks.Allocators;

/// <summary>
/// The floor: a per-thread bump pointer that never reuses memory (free does nothing). Its figures are
/// the harness's own cost, the least any allocator can take. Memory grows with every allocation, so
/// <see cref="ReleaseAll"/> gives everything back when a trial is over.
/// </summary>
public readonly unsafe struct BumpAllocator : IAllocator
{
    private const nuint ChunkSize = 4 << 20;
    private const nuint Alignment = 16;

    private static readonly ChunkList s_chunks = new();

    /// <inheritdoc />
    public AllocatorFeatures Features => AllocatorFeatures.All;

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Block Malloc(nuint size) => new(Bump(size, Alignment), size);

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Free(Block block)
    {
    }

    /// <inheritdoc />
    public Block Calloc(nuint count, nuint size)
    {
        nuint total = checked(count * size);
        void* p = Bump(total, Alignment);
        NativeMemory.Clear(p, total);
        return new Block(p, total);
    }

    /// <inheritdoc />
    public Block Realloc(Block block, nuint size)
    {
        void* p = Bump(size, Alignment);
        if (!block.IsNull)
        {
            Buffer.MemoryCopy((void*)block.Address, p, size, Math.Min(size, block.Size));
        }
        return new Block(p, size);
    }

    /// <inheritdoc />
    public Block AlignedAlloc(nuint alignment, nuint size) => new(Bump(size, Math.Max(alignment, Alignment)), size);

    /// <inheritdoc />
    public void AlignedFree(Block block)
    {
    }

    /// <summary>
    /// Frees every chunk of every thread. Only when no block is in use any more and every thread that
    /// allocated, other than the caller, has exited (the workloads' threads are fresh for each trial).
    /// </summary>
    public static void ReleaseAll()
    {
        s_chunks.FreeAll();
        CurrentChunk.t_next = CurrentChunk.t_end = 0;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void* Bump(nuint size, nuint alignment)
    {
        nuint start = (CurrentChunk.t_next + alignment - 1) & ~(alignment - 1);
        nuint end = start + Math.Max(size, 1);
        if (end > CurrentChunk.t_end)
        {
            return Refill(size, alignment);
        }
        CurrentChunk.t_next = end;
        return (void*)start;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void* Refill(nuint size, nuint alignment)
    {
        nuint need = Math.Max(size, 1) + alignment;
        nuint chunkSize = need > ChunkSize / 4 ? need : ChunkSize;
        void* chunk = s_chunks.Take(chunkSize);
        nuint start = ((nuint)chunk + alignment - 1) & ~(alignment - 1);
        nuint end = start + Math.Max(size, 1);
        if (chunkSize == ChunkSize)
        {
            CurrentChunk.t_next = end;
            CurrentChunk.t_end = (nuint)chunk + chunkSize;
        }
        return (void*)start;
    }

    /// <summary>
    /// The unused rest of the calling thread's chunk (both 0 before its first call). A class of its own with no
    /// static constructor, so that the JIT reads the slots straight from the thread's storage (see
    /// <see cref="LifoAllocator"/>).
    /// </summary>
    private static class CurrentChunk
    {
        [ThreadStatic] internal static nuint t_next;
        [ThreadStatic] internal static nuint t_end;
    }
}
