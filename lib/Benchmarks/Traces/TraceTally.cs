namespace Workbench.Benchmarks.Traces;

/// <summary>
/// Follows a trace event by event, as the writer sees it: which objects are live with how many bytes, and the
/// counts that become the <see cref="TraceInfo"/>. Rejects an event that names an object which is not live.
/// </summary>
internal sealed class TraceTally
{
    private readonly Dictionary<long, long> _live = [];
    private readonly Dictionary<long, long> _sizes = [];
    private readonly List<long> _perThread = [];
    private long _liveBytes;
    private long _peakBytes;
    private long _peakObjects;
    private long _total;
    private long _allocations;
    private long _callocs;
    private long _aligned;
    private long _reallocs;
    private long _frees;

    /// <summary>The id the next new object gets.</summary>
    public long NextId { get; private set; }

    /// <summary>Bytes asked for and not yet freed.</summary>
    public long LiveBytes => _liveBytes;

    /// <summary>Objects live now.</summary>
    public int LiveObjects => _live.Count;

    /// <summary>Whether the object is live.</summary>
    public bool IsLive(long id) => _live.ContainsKey(id);

    /// <summary>Counts an event; a new object's id must be <see cref="NextId"/>.</summary>
    /// <exception cref="ArgumentException">The event names an object that is not live, or a wrong new id.</exception>
    public void Add(in TraceEvent e)
    {
        while (_perThread.Count <= e.Thread)
        {
            _perThread.Add(0);
        }
        _perThread[e.Thread]++;
        long size = checked((long)e.Size);
        switch (e.Operation)
        {
            case TraceOperation.Malloc:
            case TraceOperation.Calloc:
            case TraceOperation.AlignedAlloc:
                if (e.Object != NextId)
                {
                    throw new ArgumentException($"a new object must get id {NextId}, not {e.Object}");
                }
                NextId++;
                _allocations++;
                _callocs += e.Operation == TraceOperation.Calloc ? 1 : 0;
                _aligned += e.Operation == TraceOperation.AlignedAlloc ? 1 : 0;
                _live.Add(e.Object, size);
                _liveBytes += size;
                Requested(size);
                break;
            case TraceOperation.Realloc:
                _liveBytes += size - Live(e.Object);
                _live[e.Object] = size;
                _reallocs++;
                Requested(size);
                break;
            case TraceOperation.Free:
                _liveBytes -= Live(e.Object);
                _live.Remove(e.Object);
                _frees++;
                break;
            default:
                throw new ArgumentException($"unknown operation {e.Operation}");
        }
        _peakBytes = Math.Max(_peakBytes, _liveBytes);
        _peakObjects = Math.Max(_peakObjects, _live.Count);
    }

    /// <summary>The summary of everything counted so far.</summary>
    public TraceInfo ToInfo(string source) => new()
    {
        Source = source,
        Events = _allocations + _reallocs + _frees,
        Allocations = _allocations,
        Callocs = _callocs,
        AlignedAllocations = _aligned,
        Reallocs = _reallocs,
        Frees = _frees,
        Threads = _perThread.Count,
        EventsPerThread = [.. _perThread],
        PeakLiveBytes = _peakBytes,
        PeakLiveObjects = _peakObjects,
        TotalRequestedBytes = _total,
        LiveObjectsAtEnd = _live.Count,
        LiveBytesAtEnd = _liveBytes,
        Sizes = [.. _sizes.OrderBy(s => s.Key)],
    };

    private long Live(long id) => _live.TryGetValue(id, out long size)
        ? size
        : throw new ArgumentException($"object {id} is not live (never allocated, or already freed)");

    private void Requested(long size)
    {
        _total += size;
        _sizes[size] = _sizes.GetValueOrDefault(size) + 1;
    }
}
