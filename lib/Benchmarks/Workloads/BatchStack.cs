using Workbench.Benchmarks.Allocators;

namespace Workbench.Benchmarks.Workloads;

/// <summary>A batch of xmalloc-test: the record the allocator gave for it and the blocks it carries.</summary>
/// <param name="Record">The batch record, allocated and freed by the allocator under test.</param>
/// <param name="Objects">The blocks, in the order they were allocated.</param>
public readonly record struct Batch(Block Record, Block[] Objects);

/// <summary>
/// xmalloc-test's hand-over: one LIFO stack of batches under one lock, at most <c>capacity</c> deep; producers wait
/// while it is full, consumers while it is empty, and <see cref="Stop"/> wakes them all to finish. It also keeps the
/// recycled arrays that carry a batch's blocks, made up front: one per slot of the stack and two per producer (the one
/// it fills and one a consumer is emptying), so no managed array is made while the clock runs.
/// Invariant (under the lock): <c>_count &lt;= capacity</c>; every array is either on <c>_spare</c>, in a batch on
/// the stack, or held by one thread.
/// </summary>
public sealed class BatchStack
{
    private readonly object _lock = new();
    private readonly Batch[] _stack;
    private readonly Stack<Block[]> _spare;
    private readonly List<Batch> _late;
    private int _count;
    private volatile bool _stopped;

    /// <summary>A stack of at most <paramref name="capacity"/> batches of <paramref name="batchSize"/> blocks.</summary>
    public BatchStack(int capacity, int batchSize, int producers)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _stack = new Batch[capacity];
        _late = new List<Batch>(producers);
        int arrays = capacity + 2 * producers + 1;
        _spare = new Stack<Block[]>(arrays);
        for (int i = 0; i < arrays; i++)
        {
            _spare.Push(new Block[batchSize]);
        }
    }

    /// <summary>Whether the time is up.</summary>
    public bool Stopped => _stopped;

    /// <summary>Ends the run: waiting producers and consumers return.</summary>
    public void Stop()
    {
        lock (_lock)
        {
            _stopped = true;
            Monitor.PulseAll(_lock);
        }
    }

    /// <summary>
    /// Pushes a batch, waiting while the stack is full. A batch pushed after the run stopped is kept aside for
    /// <see cref="TryPopLeftover"/>, as the original's producer still links its last batch in once the time is up.
    /// </summary>
    public void Push(Batch batch)
    {
        lock (_lock)
        {
            while (_count == _stack.Length && !_stopped)
            {
                Monitor.Wait(_lock);
            }
            if (_stopped)
            {
                _late.Add(batch);
                return;
            }
            _stack[_count++] = batch;
            Monitor.PulseAll(_lock);
        }
    }

    /// <summary>Pops the newest batch, waiting while the stack is empty; false when the run stopped.</summary>
    public bool TryPop(out Batch batch)
    {
        lock (_lock)
        {
            while (_count == 0 && !_stopped)
            {
                Monitor.Wait(_lock);
            }
            if (_stopped)
            {
                batch = default;
                return false;
            }
            batch = _stack[--_count];
            _stack[_count] = default;
            Monitor.PulseAll(_lock);
            return true;
        }
    }

    /// <summary>After the run: pops what is left (on the stack, then pushed late), without waiting.</summary>
    public bool TryPopLeftover(out Batch batch)
    {
        lock (_lock)
        {
            if (_count > 0)
            {
                batch = _stack[--_count];
                _stack[_count] = default;
                return true;
            }
            if (_late.Count > 0)
            {
                batch = _late[^1];
                _late.RemoveAt(_late.Count - 1);
                return true;
            }
            batch = default;
            return false;
        }
    }

    /// <summary>A spare array for a batch's blocks.</summary>
    public Block[] TakeArray()
    {
        lock (_lock)
        {
            return _spare.Pop();
        }
    }

    /// <summary>Gives an array back once its blocks are freed.</summary>
    public void ReturnArray(Block[] array)
    {
        lock (_lock)
        {
            _spare.Push(array);
        }
    }
}
