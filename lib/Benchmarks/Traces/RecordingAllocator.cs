using Workbench.Benchmarks.Allocators;

namespace Workbench.Benchmarks.Traces;

/// <summary>
/// Any allocator, with every call recorded into a trace by a <see cref="TraceRecorder"/>: run a C# workload through
/// it (<c>workload.Run(recorder.Wrap(new NativeAllocator(...)), context)</c>) and the trace replays that workload's
/// pattern on every other allocator. It is itself an <see cref="IAllocator"/> struct, so the workloads' generic loops
/// take it as they take any allocator (the recording's lock makes it slow: record, then replay to measure).
/// </summary>
/// <typeparam name="TInner">The allocator that does the work.</typeparam>
public readonly struct RecordingAllocator<TInner> : IAllocator
    where TInner : struct, IAllocator
{
    private readonly TInner _inner;
    private readonly TraceRecorder _recorder;

    /// <summary>Records the calls made to <paramref name="inner"/> into <paramref name="recorder"/>.</summary>
    public RecordingAllocator(TInner inner, TraceRecorder recorder)
    {
        ArgumentNullException.ThrowIfNull(recorder);
        _inner = inner;
        _recorder = recorder;
    }

    /// <inheritdoc />
    public AllocatorFeatures Features => _inner.Features;

    /// <inheritdoc />
    public Block Malloc(nuint size)
    {
        Block block = _inner.Malloc(size);
        _recorder.Allocated(block, TraceOperation.Malloc, 0);
        return block;
    }

    /// <inheritdoc />
    public void Free(Block block)
    {
        _recorder.Freed(block);
        _inner.Free(block);
    }

    /// <inheritdoc />
    public Block Calloc(nuint count, nuint size)
    {
        Block block = _inner.Calloc(count, size);
        _recorder.Allocated(block, TraceOperation.Calloc, 0);
        return block;
    }

    /// <inheritdoc />
    public Block Realloc(Block block, nuint size)
    {
        long id = _recorder.BeginRealloc(block);
        Block moved = _inner.Realloc(block, size);
        _recorder.EndRealloc(id, block, moved);
        return moved;
    }

    /// <inheritdoc />
    public Block AlignedAlloc(nuint alignment, nuint size)
    {
        Block block = _inner.AlignedAlloc(alignment, size);
        _recorder.Allocated(block, TraceOperation.AlignedAlloc, alignment);
        return block;
    }

    /// <inheritdoc />
    public void AlignedFree(Block block)
    {
        _recorder.Freed(block);
        _inner.AlignedFree(block);
    }
}
