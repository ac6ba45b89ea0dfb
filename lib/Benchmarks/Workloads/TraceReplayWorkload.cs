using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using Workbench.Benchmarks.Allocators;
using Workbench.Benchmarks.Runner;
using Workbench.Benchmarks.Traces;

namespace Workbench.Benchmarks.Workloads;

/// <summary>
/// trace-replay: replays a recorded trace (a real program's allocations, see <c>docs/traces.md</c>) against the
/// allocator, call for call, on as many threads as the trace has. Every block is written (one byte in every 4 KiB
/// and its last byte, so all its pages are resident, or every byte with <c>verify=1</c>) and checked before it is freed. The trace is streamed: one thread decodes it
/// into windows of events while the replay threads run the windows before it, so a trace of any length replays in
/// constant memory. Time is the replay threads' time inside windows (decoding and sampling left out); the RSS is
/// sampled every <c>sample_every</c> events beside the exact live requested bytes, which give the overhead.
/// </summary>
public sealed class TraceReplayWorkload : Workload
{
    private const int WindowEvents = 1024;
    private const int PoolWindows = 8;
    private const int Page = 4096;

    /// <summary>The traces committed under <c>data/traces</c>, which the quick suite replays.</summary>
    public static IReadOnlyList<string> CommittedTraces { get; } =
    [
        "trace:data/traces/sqlite3.trace",
        "trace:data/traces/cc1.trace",
        "trace:data/traces/cc1plus.trace",
        "trace:data/traces/python3.trace",
        "trace:data/traces/perl.trace",
    ];

    /// <inheritdoc />
    public override string Name => "trace-replay";

    /// <inheritdoc />
    public override string Description => "a real program's recorded allocations (heaptrack or a C# recording) replayed call for call, on as many threads as it had; --trace FILE";

    /// <inheritdoc />
    public override string Operation => "one trace event (malloc, calloc, realloc, aligned allocation or free)";

    /// <inheritdoc />
    public override string DefaultSizes => CommittedTraces[0];

    /// <summary>The committed traces that can be found from here (none when the workbench runs outside its repository).</summary>
    public override IReadOnlyList<string> QuickSizes =>
        [.. CommittedTraces.Where(spec => TraceFiles.Resolve(spec["trace:".Length..]) is not null)];

    /// <inheritdoc />
    public override IReadOnlyList<int> QuickThreads => [1];

    /// <inheritdoc />
    public override IReadOnlyList<Knob> Knobs { get; } =
    [
        new("sample_every", "events between two samples of the RSS (and of the live requested bytes)", 10_000, 10_000),
        new("verify", "0: write and check one byte in every 4 KiB of every block and its last byte; 1: fill and check every byte", 0, 0, Min: 0),
        new("max_events", "events replayed at most (default: the whole trace; the untimed priming run replays 10)", 1_000_000_000_000, 1_000_000_000_000),
    ];

    /// <inheritdoc />
    public override WorkloadResult Run<TAllocator>(TAllocator allocator, WorkloadContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        TraceSizes trace = context.Sizes as TraceSizes
            ?? throw new ArgumentException($"trace-replay replays a trace, not the size spec '{context.Sizes.Spec}': give --trace FILE (or --sizes trace:FILE), e.g. --trace data/traces/sqlite3.trace");
        bool verify = context.Knob("verify") != 0;
        using TraceReader reader = TraceReader.Open(trace.File);
        int threads = Math.Max(1, reader.Info.Threads);
        ReplayDispatcher dispatcher = new(reader, trace.Path, WindowEvents, context.Knob("sample_every"), context.Knob("max_events"));
        Replay<TAllocator> replay = new(allocator, dispatcher.Slots, verify);
        BlockingCollection<ReplayWindow> pool = [];
        for (int i = 0; i < PoolWindows; i++)
        {
            pool.Add(new ReplayWindow(threads, WindowEvents));
        }
        BlockingCollection<ReplayWindow>[] queues = [.. Enumerable.Range(0, threads).Select(_ => new BlockingCollection<ReplayWindow>())];
        ConcurrentQueue<SeriesPoint> samples = new();
        using RssProbe rss = new();
        using CancellationTokenSource cancel = new();
        long[] busy = new long[threads];
        List<Exception> errors = [];
        GC.Collect();
        long rss0 = rss.CurrentKib();
        long start = Stopwatch.GetTimestamp();
        samples.Enqueue(new SeriesPoint(0, rss0, 0));

        void Fail(Exception e)
        {
            lock (errors)
            {
                errors.Add(e);
                if (!cancel.IsCancellationRequested)
                {
                    cancel.Cancel();
                    pool.CompleteAdding();
                    foreach (BlockingCollection<ReplayWindow> queue in queues)
                    {
                        queue.CompleteAdding();
                    }
                }
            }
        }

        Thread[] workers = new Thread[threads];
        for (int t = 0; t < threads; t++)
        {
            int thread = t;
            workers[t] = new Thread(() =>
            {
                try
                {
                    // No cancellation token on the blocking calls (each call with one allocates): a failure completes the
                    // collections instead, and the replay loop watches the token.
                    foreach (ReplayWindow window in queues[thread].GetConsumingEnumerable())
                    {
                        long begin = Stopwatch.GetTimestamp();
                        replay.Run(window.Ops[thread], window.Counts[thread], cancel.Token);
                        busy[thread] += Stopwatch.GetTimestamp() - begin;
                        if (Interlocked.Decrement(ref window.Remaining) == 0)
                        {
                            if (window.Sample)
                            {
                                samples.Enqueue(new SeriesPoint(Stopwatch.GetElapsedTime(start).TotalSeconds, rss.CurrentKib(), window.LiveBytes));
                            }
                            if (!pool.IsAddingCompleted)
                            {
                                pool.Add(window);
                            }
                        }
                    }
                }
                catch (OperationCanceledException) when (cancel.IsCancellationRequested)
                {
                }
                catch (InvalidOperationException) when (cancel.IsCancellationRequested)
                {
                }
                catch (Exception e)
                {
                    Fail(e);
                }
            })
            { IsBackground = true, Name = $"replay {t}" };
            workers[t].Start();
        }

        try
        {
            while (!cancel.IsCancellationRequested)
            {
                ReplayWindow window = pool.Take();
                if (!dispatcher.Fill(window))
                {
                    break;
                }
                for (int t = 0; t < threads; t++)
                {
                    if (window.Counts[t] > 0)
                    {
                        queues[t].Add(window);
                    }
                }
            }
        }
        catch (InvalidOperationException) when (cancel.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            Fail(e);
        }
        foreach (BlockingCollection<ReplayWindow> queue in queues)
        {
            queue.CompleteAdding();
        }
        foreach (Thread worker in workers)
        {
            worker.Join();
        }
        double wall = Stopwatch.GetElapsedTime(start).TotalSeconds;
        foreach (BlockingCollection<ReplayWindow> queue in queues)
        {
            queue.Dispose();
        }
        pool.Dispose();
        if (errors.Count > 0)
        {
            replay.ReleaseAll();
            throw errors.Count == 1 ? errors[0] : new AggregateException(errors);
        }
        int leftover = dispatcher.LiveObjects;
        replay.ReleaseAll();

        WorkloadResult result = new()
        {
            ElapsedSeconds = busy.Max() / (double)Stopwatch.Frequency,
            Operations = dispatcher.Events,
        };
        result.Series.AddRange(samples.OrderBy(s => s.Seconds));
        MemoryOverhead memory = MemoryOverhead.Of(result.Series);
        double peakRequestedKib = dispatcher.PeakLiveBytes / 1024.0;
        result.Metrics["wall_s"] = wall;
        result.Metrics["trace_threads"] = threads;
        result.Metrics["trace_events"] = reader.Info.Events;
        result.Metrics["peak_requested_kib"] = peakRequestedKib;
        result.Metrics["replay_peak_rss_kib"] = rss0 + memory.RssGrowthKib;
        result.Metrics["rss_growth_kib"] = memory.RssGrowthKib;
        // Overhead at each sample: RSS growth minus the bytes live at that very point of the trace (a sample between
        // two peaks of live bytes would make "peak RSS minus peak requested" understate it).
        result.Metrics["overhead_kib"] = memory.WorstOverheadKib;
        result.Metrics["mean_overhead_kib"] = memory.MeanOverheadKib;
        if (peakRequestedKib > 0)
        {
            result.Metrics["rss_per_requested"] = memory.RssGrowthKib / peakRequestedKib;
        }
        result.Metrics["leaked_objects"] = leftover;
        result.Metrics["aligned_as_malloc"] = replay.AlignedAsMalloc;
        return result;
    }

    /// <summary>The replay threads' side: the block table and the loop that runs a window's events on the allocator.</summary>
    private sealed unsafe class Replay<TAllocator>
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

        public Replay(TAllocator allocator, int slots, bool verify)
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

        public void Run(ReplayOp[] ops, int count, CancellationToken cancel)
        {
            for (int i = 0; i < count; i++)
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
}
