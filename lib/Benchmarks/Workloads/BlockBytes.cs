using System.Runtime.InteropServices;
using Workbench.Benchmarks.Allocators;

namespace Workbench.Benchmarks.Workloads;

/// <summary>
/// The requested bytes of a block as a span, for the workloads that write and check whole blocks (mstress's words,
/// alloc-test's fill, async's pattern). Invariant: the span covers exactly <see cref="Block.Size"/> bytes, never the
/// slack past them, so a check reads only what the workload wrote.
/// </summary>
internal static unsafe class BlockBytes
{
    /// <summary>The block's requested bytes.</summary>
    public static Span<byte> Of(Block block) => block.Array is { } array
        ? array.AsSpan(0, checked((int)block.Size))
        : new Span<byte>((void*)block.Address, checked((int)block.Size));

    /// <summary>The block's requested bytes as whole 64-bit words (a trailing part word is left out).</summary>
    public static Span<ulong> Words(Block block) => MemoryMarshal.Cast<byte, ulong>(Of(block));
}
