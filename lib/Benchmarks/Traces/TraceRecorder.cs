using System.Runtime.CompilerServices;
using Workbench.Benchmarks.Allocators;

namespace Workbench.Benchmarks.Traces;

/// <summary>
/// Turns the calls that a <see cref="RecordingAllocator{TInner}"/> sees into a trace: it maps each live block
/// (its address, or its managed array) to an object id and each calling thread to a thread number (0, 1, 2, ... in
/// order of first call), and writes the events through a <see cref="TraceWriter"/>. Thread-safe: one lock around
/// the writer, so recording serialises the workload (a trace records the order of calls, not their timing).
/// </summary>
public sealed class TraceRecorder : IDisposable
{
    private readonly Lock _lock = new();
    private readonly TraceWriter _writer;
    private readonly Dictionary<nint, long> _byAddress = [];
    private readonly Dictionary<byte[], long> _byArray = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<int, int> _threads = [];

    /// <summary>A recorder that writes to <paramref name="writer"/> (and completes it when disposed).</summary>
    public TraceRecorder(TraceWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        _writer = writer;
    }

    /// <summary>A recorder that writes the trace file <paramref name="path"/>.</summary>
    public static TraceRecorder Create(string path, string source) => new(TraceWriter.Create(path, source));

    /// <summary>Blocks released that the recorder never saw allocated (not written to the trace).</summary>
    public long UnknownFrees { get; private set; }

    /// <summary>Wraps <paramref name="inner"/> so that every call through the result is recorded here.</summary>
    public RecordingAllocator<TInner> Wrap<TInner>(TInner inner)
        where TInner : struct, IAllocator => new(inner, this);

    /// <summary>Records a new block from malloc, calloc or an aligned allocation.</summary>
    public void Allocated(Block block, TraceOperation operation, nuint alignment)
    {
        if (block.IsNull)
        {
            return;
        }
        lock (_lock)
        {
            int thread = ThreadNumber();
            long id = operation switch
            {
                TraceOperation.Calloc => _writer.Calloc(thread, block.Size),
                TraceOperation.AlignedAlloc => _writer.AlignedAlloc(thread, alignment, block.Size),
                _ => _writer.Malloc(thread, block.Size),
            };
            Remember(block, id);
        }
    }

    /// <summary>
    /// Called before a realloc of <paramref name="block"/>: takes the block's object out of the map (so that another
    /// thread that gets the old address once the realloc has released it is not confused with it) and returns its id,
    /// or -1 for a null or unknown block.
    /// </summary>
    public long BeginRealloc(Block block)
    {
        if (block.IsNull)
        {
            return -1;
        }
        lock (_lock)
        {
            return TryForget(block, out long id) ? id : -1;
        }
    }

    /// <summary>
    /// Called after the realloc that <see cref="BeginRealloc"/> announced: records it (as a malloc when the block was
    /// null or unknown), or puts the old block back when the realloc failed and returned null.
    /// </summary>
    public void EndRealloc(long id, Block before, Block after)
    {
        lock (_lock)
        {
            if (after.IsNull)
            {
                if (id >= 0)
                {
                    Remember(before, id);
                }
                return;
            }
            int thread = ThreadNumber();
            if (id < 0)
            {
                Remember(after, _writer.Malloc(thread, after.Size));
                return;
            }
            _writer.Realloc(thread, id, after.Size);
            Remember(after, id);
        }
    }

    /// <summary>Records the release of a block.</summary>
    public void Freed(Block block)
    {
        if (block.IsNull)
        {
            return;
        }
        lock (_lock)
        {
            int thread = ThreadNumber();
            if (!TryForget(block, out long id))
            {
                UnknownFrees++;
                return;
            }
            _writer.Free(thread, id);
        }
    }

    /// <summary>Writes the summary and closes the trace; returns the summary.</summary>
    public TraceInfo Complete()
    {
        lock (_lock)
        {
            return _writer.Complete();
        }
    }

    /// <summary>Completes and closes the trace.</summary>
    public void Dispose()
    {
        lock (_lock)
        {
            _writer.Dispose();
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int ThreadNumber()
    {
        int managed = Environment.CurrentManagedThreadId;
        if (!_threads.TryGetValue(managed, out int number))
        {
            number = _threads.Count;
            _threads.Add(managed, number);
        }
        return number;
    }

    private void Remember(Block block, long id)
    {
        if (block.Array is { } array)
        {
            _byArray[array] = id;
        }
        else
        {
            _byAddress[block.Address] = id;
        }
    }

    private bool TryForget(Block block, out long id) => block.Array is { } array
        ? _byArray.Remove(array, out id)
        : _byAddress.Remove(block.Address, out id);
}
