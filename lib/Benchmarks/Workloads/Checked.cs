using System.Runtime.CompilerServices;
using Workbench.Benchmarks.Allocators;

namespace Workbench.Benchmarks.Workloads;

/// <summary>Turns a failed allocation into an exception before the workload writes through it.</summary>
public static class Checked
{
    /// <summary>The block, or <see cref="OutOfMemoryException"/> when it is null.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Block NotNull(Block block, nuint size)
    {
        if (block.IsNull)
        {
            Fail(size);
        }
        return block;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Fail(nuint size) => throw new OutOfMemoryException($"the allocator returned null for {size} bytes");
}
