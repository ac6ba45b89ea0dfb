using System.Runtime.CompilerServices;
using Workbench.Benchmarks.Allocators;
using Workbench.Benchmarks.Traces;

namespace Workbench.Benchmarks.Workloads;

/// <summary>
/// The replay threads' side of trace-replay: the block table (one slot per object live at once, see
/// <see cref="ReplayDispatcher"/>) and the loop that runs a thread's part of a window on the allocator, each event
/// after the events before it on the same slot. The bytes written into blocks and checked are in the other part
/// of this class (TraceReplayer.Tags.cs).
/// </summary>
internal sealed unsafe partial class TraceReplayer<TAllocator>
    where TAllocator : struct, IAllocator
{
    private readonly TAllocator _allocator;
    private readonly Block[] _blocks;
    private readonly bool[] _aligned;
    private readonly long[] _done;
    private readonly bool _verify;
    private readonly bool _calloc;
    private readonly bool _realloc;
    private readonly bool _alignedAlloc;
    private long _alignedAsMalloc;

    public TraceReplayer(TAllocator allocator, int slots, bool verify)
    {
        _allocator = allocator;
        _blocks = new Block[slots];
        _aligned = new bool[slots];
        _done = new long[slots];
        // Write the tables once now, so that their pages are resident before the first RSS sample and do not
        // count as the allocator's overhead when the replay first touches them.
        Array.Clear(_blocks);
        Array.Clear(_aligned);
        Array.Clear(_done);
        _verify = verify;
        AllocatorFeatures features = allocator.Features;
        _calloc = (features & AllocatorFeatures.Calloc) != 0;
        _realloc = (features & AllocatorFeatures.Realloc) != 0;
        _alignedAlloc = (features & AllocatorFeatures.Aligned) != 0;
    }

    /// <summary>Aligned allocations replayed as malloc (the allocator has no aligned allocation).</summary>
    public long AlignedAsMalloc => Interlocked.Read(ref _alignedAsMalloc);

    public void Run(ReplayOp[] ops, int start, int count, CancellationToken cancel)
    {
        for (int i = start; i < start + count; i++)
        {
            ref ReplayOp op = ref ops[i];
            ref long done = ref _done[op.Slot];
            if (Volatile.Read(ref done) != op.Sequence)
            {
                WaitFor(ref done, op.Sequence, cancel);
            }
            ref Block slot = ref _blocks[op.Slot];
            switch (op.Operation)
            {
                case TraceOperation.Malloc:
                    slot = Allocate(op.Size);
                    Mark(slot, op.Tag);
                    break;
                case TraceOperation.Calloc:
                    slot = Calloc(op);
                    Mark(slot, op.Tag);
                    break;
                case TraceOperation.AlignedAlloc:
                    slot = AlignedAlloc(op, ref _aligned[op.Slot]);
                    Mark(slot, op.Tag);
                    break;
                case TraceOperation.Realloc:
                    Check(slot, op, slot.Size);
                    slot = Realloc(slot, op, ref _aligned[op.Slot]);
                    Mark(slot, op.Tag);
                    break;
                default:
                    Check(slot, op, slot.Size);
                    Release(slot, ref _aligned[op.Slot]);
                    slot = default;
                    break;
            }
            Volatile.Write(ref done, op.Sequence + 1);
        }
    }

    /// <summary>Frees every block still held (objects the trace never freed, or all of them after a failure).</summary>
    public void ReleaseAll()
    {
        for (int s = 0; s < _blocks.Length; s++)
        {
            if (!_blocks[s].IsNull)
            {
                Release(_blocks[s], ref _aligned[s]);
                _blocks[s] = default;
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private Block Allocate(nuint size)
    {
        // malloc(0) may return null; a zero-byte request is replayed as one byte.
        nuint bytes = size == 0 ? 1 : size;
        return Checked.NotNull(_allocator.Malloc(bytes), bytes);
    }

    private Block Calloc(in ReplayOp op)
    {
        nuint bytes = op.Size == 0 ? 1 : op.Size;
        if (!_calloc)
        {
            Block plain = Allocate(bytes);
            plain.Fill(0);
            return plain;
        }
        Block block = Checked.NotNull(_allocator.Calloc(1, bytes), bytes);
        bool zero = _verify ? block.IsZero() : block.At(0) == 0 && block.At(block.Size - 1) == 0;
        if (!zero)
        {
            throw new InvalidOperationException($"calloc of object {op.Object} ({op.Size} bytes) returned memory that is not zero-filled");
        }
        return block;
    }

    private Block AlignedAlloc(in ReplayOp op, ref bool aligned)
    {
        nuint bytes = op.Size == 0 ? 1 : op.Size;
        if (!_alignedAlloc)
        {
            Interlocked.Increment(ref _alignedAsMalloc);
            aligned = false;
            return Allocate(bytes);
        }
        Block block = Checked.NotNull(_allocator.AlignedAlloc(op.Alignment, bytes), bytes);
        if (block.Array is null && ((nuint)block.Address & (op.Alignment - 1)) != 0)
        {
            throw new InvalidOperationException($"aligned allocation of object {op.Object} on {op.Alignment} bytes returned 0x{block.Address:x}, which is not aligned");
        }
        aligned = true;
        return block;
    }

    private Block Realloc(Block old, in ReplayOp op, ref bool aligned)
    {
        nuint bytes = op.Size == 0 ? 1 : op.Size;
        Block moved;
        if (aligned || !_realloc)
        {
            // An aligned block is not realloc'd in place by every allocator: allocate, copy, free.
            moved = Allocate(bytes);
            nuint keep = Math.Min(old.Size, bytes);
            for (nuint i = 0; i < keep; i++)
            {
                moved.At(i) = old.At(i);
            }
            Release(old, ref aligned);
        }
        else
        {
            moved = Checked.NotNull(_allocator.Realloc(old, bytes), bytes);
        }
        CheckKept(moved, op, old.Size);
        return moved;
    }

    private void Release(Block block, ref bool aligned)
    {
        if (aligned)
        {
            _allocator.AlignedFree(block);
            aligned = false;
        }
        else
        {
            _allocator.Free(block);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void WaitFor(ref long done, long sequence, CancellationToken cancel)
    {
        SpinWait spin = default;
        while (Volatile.Read(ref done) != sequence)
        {
            cancel.ThrowIfCancellationRequested();
            spin.SpinOnce(sleep1Threshold: 64);
        }
    }
}
