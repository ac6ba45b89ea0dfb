using System.Runtime.CompilerServices;

namespace Workbench.Benchmarks.Allocators;

/// <summary>
/// A deliberately broken allocator (name <c>crash</c>, hidden from the default list): its first malloc
/// kills the process, as a corrupting allocator would. It exists so that the runner's handling of a
/// dead trial (recorded as failed, the sweep goes on) can be tested.
/// </summary>
public readonly struct CrashAllocator : IAllocator
{
    /// <inheritdoc />
    public AllocatorFeatures Features => AllocatorFeatures.None;

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.NoInlining)]
    public Block Malloc(nuint size)
    {
        Environment.FailFast("crash allocator: deliberate crash on the first malloc");
        return default;
    }

    /// <inheritdoc />
    public void Free(Block block)
    {
    }

    /// <inheritdoc />
    public Block Calloc(nuint count, nuint size) => Malloc(count * size);

    /// <inheritdoc />
    public Block Realloc(Block block, nuint size) => Malloc(size);

    /// <inheritdoc />
    public Block AlignedAlloc(nuint alignment, nuint size) => Malloc(size);

    /// <inheritdoc />
    public void AlignedFree(Block block)
    {
    }
}
