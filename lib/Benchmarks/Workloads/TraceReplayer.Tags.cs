using System.Runtime.CompilerServices;
using Workbench.Benchmarks.Allocators;
using Workbench.Benchmarks.Traces;

namespace Workbench.Benchmarks.Workloads;

/// <summary>
/// The tags of <see cref="TraceReplayer{TAllocator}"/>: each object's bytes hold its tag (one byte in every
/// 4 KiB and its last byte, or every byte with verify) from its allocation until it is freed, so that memory handed
/// out twice is caught when the tag is checked.
/// </summary>
internal sealed unsafe partial class TraceReplayer<TAllocator>
{
    private const int Page = 4096;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Mark(Block block, byte tag)
    {
        if (_verify)
        {
            block.Fill(tag);
            return;
        }
        nuint size = block.Size;
        for (nuint i = 0; i < size; i += Page)
        {
            block.At(i) = tag;
        }
        block.At(size - 1) = tag;
    }

    /// <summary>Checks that the first <paramref name="length"/> bytes of the object still hold its tag (without verify: the bytes <see cref="Mark"/> wrote).</summary>
    private void Check(Block block, in ReplayOp op, nuint length)
    {
        if (length == 0)
        {
            return;
        }
        if (!_verify)
        {
            for (nuint i = 0; i < length; i += Page)
            {
                CheckByte(block, op, i);
            }
            CheckByte(block, op, length - 1);
            return;
        }
        ReadOnlySpan<byte> bytes = block.Array is { } array
            ? array.AsSpan(0, checked((int)length))
            : new ReadOnlySpan<byte>((void*)block.Address, checked((int)length));
        int wrong = bytes.IndexOfAnyExcept(op.Tag);
        if (wrong >= 0)
        {
            Corrupted(block, op, (nuint)wrong);
        }
    }

    /// <summary>After a realloc from <paramref name="oldSize"/> bytes: checks that what was written and kept is still there.</summary>
    private void CheckKept(Block moved, in ReplayOp op, nuint oldSize)
    {
        if (_verify)
        {
            Check(moved, op, Math.Min(oldSize, moved.Size));
            return;
        }
        CheckByte(moved, op, 0);
        if (moved.Size >= oldSize)
        {
            CheckByte(moved, op, oldSize - 1);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void CheckByte(Block block, in ReplayOp op, nuint index)
    {
        if (block.At(index) != op.Tag)
        {
            Corrupted(block, op, index);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Corrupted(Block block, in ReplayOp op, nuint index) =>
        throw new InvalidOperationException(
            $"object {op.Object} ({block.Size} bytes) was overwritten while live: byte {index} holds 0x{block.At(index):x2}, not its tag 0x{op.Tag:x2} (the allocator handed out overlapping memory)");
}
