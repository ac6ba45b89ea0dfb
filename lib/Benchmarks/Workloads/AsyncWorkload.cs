using System.Diagnostics;
using Workbench.Benchmarks.Allocators;
using Workbench.Benchmarks.Sizes;

namespace Workbench.Benchmarks.Workloads;

/// <summary>
/// async (this workbench's own, .NET's form of the thesis's user-thread concern): <c>threads</c> x <c>flows</c>
/// concurrent <c>async</c> methods on a pool of <c>threads</c> threads (<see cref="WorkerPoolScheduler"/>), each serving
/// <c>requests</c> requests: it allocates <c>blocks</c> blocks and writes them whole, awaits (<c>Task.Yield</c>, which
/// queues the rest of the method to the pool's shared queue, as the completion of an I/O does), then checks and frees
/// them. The pool resumes a method on whichever of its threads is free, so a block is freed by another thread than the
/// one that allocated it as often as the scheduler makes it happen: the serially-reusable case at a pool's own ratio. Each free compares the managed thread
/// id of the freeing thread with the allocating one's (CoreCLR runs each managed thread on one OS thread), and
/// <c>remote_free_fraction</c> is the share that differ.
/// </summary>
public sealed class AsyncWorkload : Workload
{
    /// <inheritdoc />
    public override string Name => "async";

    /// <inheritdoc />
    public override string Description => "workbench's own: async methods allocate, await (resuming on another pool thread), then free; reports the measured remote-free fraction";

    /// <inheritdoc />
    public override string Operation => "one malloc + its free (across an await)";

    /// <inheritdoc />
    public override string DefaultSizes => "uniform:16-1024";

    /// <inheritdoc />
    public override IReadOnlyList<int> QuickThreads => [2];

    /// <inheritdoc />
    public override IReadOnlyList<Knob> Knobs { get; } =
    [
        new("flows", "concurrent async methods per thread", 8, 8, Min: 1, Max: 10_000),
        new("requests", "requests each async method serves", 20_000, 2000, Min: 1, Max: 100_000_000),
        new("blocks", "blocks a request allocates before its await and frees after it", 4, 4, Min: 1, Max: 10_000),
    ];

    /// <inheritdoc />
    public override WorkloadResult Run<TAllocator>(TAllocator allocator, WorkloadContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        int flows = context.Threads * (int)context.Knob("flows");
        int requests = (int)context.Knob("requests");
        int blocks = (int)context.Knob("blocks");
        SizeTable[] tables = [.. Enumerable.Range(0, flows).Select(context.SizeTableFor)];
        Tally tally = new();
        long start = Stopwatch.GetTimestamp();
        using (WorkerPoolScheduler pool = new(context.Threads))
        {
            Task[] tasks = new Task[flows];
            for (int f = 0; f < flows; f++)
            {
                int flow = f;
                tasks[f] = Task.Factory.StartNew(() => Flow(allocator, tables[flow], requests, blocks, flow, tally), CancellationToken.None, TaskCreationOptions.DenyChildAttach, pool).Unwrap();
            }
            Task.WaitAll(tasks);
        }
        double elapsed = Stopwatch.GetElapsedTime(start).TotalSeconds;
        WorkloadResult result = new() { ElapsedSeconds = elapsed, Operations = tally.Frees };
        result.Metrics["remote_frees"] = tally.RemoteFrees;
        result.Metrics["remote_free_fraction"] = tally.Frees == 0 ? 0 : (double)tally.RemoteFrees / tally.Frees;
        result.Metrics["pool_threads_used"] = tally.ThreadCount;
        return result;
    }

    /// <summary>One async method: its requests, each allocating before an await and freeing after it.</summary>
    private static async Task Flow<TAllocator>(TAllocator allocator, SizeTable sizes, int requests, int count, int flow, Tally tally)
        where TAllocator : struct, IAllocator
    {
        Block[] held = new Block[count];
        HashSet<int> threads = [];
        int sizeIndex = 0;
        long frees = 0;
        long remote = 0;
        for (int request = 0; request < requests; request++)
        {
            int owner = Environment.CurrentManagedThreadId;
            threads.Add(owner);
            byte stamp = (byte)(request * 31 + flow);
            for (int b = 0; b < count; b++)
            {
                nuint size = sizes[sizeIndex++];
                held[b] = Checked.NotNull(allocator.Malloc(size), size);
                BlockBytes.Of(held[b]).Fill(stamp);
            }
            await Task.Yield();
            int freer = Environment.CurrentManagedThreadId;
            threads.Add(freer);
            for (int b = 0; b < count; b++)
            {
                if (BlockBytes.Of(held[b]).ContainsAnyExcept(stamp))
                {
                    throw new InvalidDataException($"async: a block of {held[b].Size} bytes changed while its request awaited (flow {flow}, request {request}): the allocator handed its memory out again before it was freed");
                }
                allocator.Free(held[b]);
                held[b] = default;
            }
            frees += count;
            if (freer != owner)
            {
                remote += count;
            }
        }
        tally.Add(frees, remote, threads);
    }

    /// <summary>The counts of all the async methods, added when each ends: frees, remote frees and the threads that ran them.</summary>
    private sealed class Tally
    {
        private readonly HashSet<int> _threads = [];
        private long _frees;
        private long _remote;

        public long Frees => Interlocked.Read(ref _frees);

        public long RemoteFrees => Interlocked.Read(ref _remote);

        public int ThreadCount
        {
            get
            {
                lock (_threads)
                {
                    return _threads.Count;
                }
            }
        }

        public void Add(long frees, long remote, HashSet<int> threads)
        {
            Interlocked.Add(ref _frees, frees);
            Interlocked.Add(ref _remote, remote);
            lock (_threads)
            {
                _threads.UnionWith(threads);
            }
        }
    }
}
