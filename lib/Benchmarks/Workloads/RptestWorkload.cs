using System.Diagnostics;
using Workbench.Benchmarks.Allocators;
using Workbench.Benchmarks.Sizes;

namespace Workbench.Benchmarks.Workloads;

/// <summary>
/// rptest (Mattias Jansson's rpmalloc benchmark, as mimalloc-bench runs it: <c>rptest N 0 1 2 500 1000 100 8 16000</c>):
/// each thread keeps <c>allocs</c> live slots; in each of <c>loops</c> loops it frees about 0.8 x <c>ops</c> x 31-99%
/// slots, frees the batches other threads handed it, and allocates about <c>ops</c> x 31-99% blocks into slots
/// (freeing what a slot held), stepping through the slots by two primes. Every <c>cross_rate</c> loops it also
/// allocates a batch of blocks and hands it to the next thread, which frees it: a cross-thread free every 2 loops.
/// Sizes fall off linearly from 8 to 16,000 (<see cref="LinearDropSizes"/>), and every page of every block is
/// written. The whole is done twice; ops counts every malloc and every free.
/// </summary>
public sealed class RptestWorkload : Workload
{
    /// <summary>The original's passes over its loops.</summary>
    public const int Passes = 2;

    private const int PageSize = 4096;

    /// <inheritdoc />
    public override string Name => "rptest";

    /// <inheritdoc />
    public override string Description => "rpmalloc's rptest (mimalloc-bench rptestN): slots refilled in scattered order, sizes falling off linearly 8-16000, a batch freed by another thread every 2 loops, every page written";

    /// <inheritdoc />
    public override string Operation => "one malloc or one free";

    /// <inheritdoc />
    public override string DefaultSizes => "lineardrop:8-16000";

    /// <inheritdoc />
    public override IReadOnlyList<int> QuickThreads => [2];

    /// <inheritdoc />
    public override IReadOnlyList<Knob> Knobs { get; } =
    [
        new("loops", "loops per pass, each a round of frees and allocations (mimalloc-bench: 500)", 500, 20, Min: 1, Max: 10_000_000),
        new("allocs", "live slots per thread (mimalloc-bench: 1000)", 1000, 1000, Min: 1, Max: 1_000_000),
        new("ops", "operations per loop: 31-99% of it allocations, 0.8 x that share frees (mimalloc-bench: 100)", 100, 100, Min: 1, Max: 100_000),
        new("cross_rate", "every this many loops a batch goes to another thread to free; 0: never (mimalloc-bench: 2)", 2, 2, Min: 0, Max: 1_000_000),
        Touching.Knob("its size in the first 4 bytes, a byte in every further page, the last byte"),
    ];

    /// <inheritdoc />
    public override WorkloadResult Run<TAllocator>(TAllocator allocator, WorkloadContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        int threads = context.Threads;
        Settings settings = new(
            (int)context.Knob("loops"),
            (int)context.Knob("allocs"),
            (int)context.Knob("ops"),
            threads == 1 ? 0 : (int)context.Knob("cross_rate"),
            Touching.Of(context));
        (int allocStep, int freeStep) = ScatterSteps(settings.Allocs);
        BlockInbox[] inboxes = [.. Enumerable.Range(0, threads).Select(_ => new BlockInbox())];
        SizeTable[] tables = [.. Enumerable.Range(0, threads).Select(context.SizeTableFor)];
        FinishLine[] finishLines = [.. Enumerable.Range(0, Passes).Select(_ => new FinishLine(threads))];
        long operations = 0;
        long crossFrees = 0;
        GangResult gang = ThreadGang.Run(threads, t =>
        {
            Worker worker = new(t, threads, settings, allocStep, freeStep, tables[t], inboxes, context.Seed);
            int pass = 0;
            try
            {
                for (; pass < Passes; pass++)
                {
                    worker.Pass(allocator, pass, finishLines[pass]);
                }
            }
            catch
            {
                for (; pass < Passes; pass++)
                {
                    finishLines[pass].Abandon();
                }
                throw;
            }
            Interlocked.Add(ref operations, worker.Operations);
            Interlocked.Add(ref crossFrees, worker.CrossFrees);
        });
        foreach (FinishLine line in finishLines)
        {
            line.Dispose();
        }
        WorkloadResult result = new() { ElapsedSeconds = gang.ElapsedSeconds, WorkerCpuMask = gang.WorkerCpuMask, Operations = operations };
        result.Metrics["cross_thread_frees"] = crossFrees;
        return result;
    }

    /// <summary>The two slot steps: the smallest primes above 100 that do not divide the slot count, so each step visits every slot.</summary>
    internal static (int AllocStep, int FreeStep) ScatterSteps(int slots)
    {
        List<int> steps = [];
        for (int p = 101; steps.Count < 2; p++)
        {
            if (IsPrime(p) && slots % p != 0)
            {
                steps.Add(p);
            }
        }
        return (steps[0], steps[1]);
    }

    private static bool IsPrime(int n)
    {
        for (int d = 2; d * d <= n; d++)
        {
            if (n % d == 0)
            {
                return false;
            }
        }
        return n >= 2;
    }

    /// <summary>Writes what rptest writes into a new block: its size in the first 4 bytes, one byte in each further page, the last byte.</summary>
    private static void Touch(Block block)
    {
        nuint size = block.Size;
        if (size >= sizeof(int))
        {
            BitConverter.TryWriteBytes(BlockBytes.Of(block)[..sizeof(int)], (int)size);
        }
        block.TouchPages(1, from: PageSize);
    }

    /// <summary>The knob values of a run.</summary>
    private readonly record struct Settings(int Loops, int Allocs, int Ops, int CrossRate, TouchPolicy Touch);

    /// <summary>One thread of rptest: its slots, its positions in them and its counts.</summary>
    private sealed class Worker(int index, int threads, Settings settings, int allocStep, int freeStep, SizeTable sizes, BlockInbox[] inboxes, int seed)
    {
        private readonly Block[] _slots = new Block[settings.Allocs];
        private FastRandom _random = new(seed * 31 + index);
        private int _allocIndex;
        private int _freeIndex;
        private int _sizeIndex;
        private int _crossTarget = -1;

        public long Operations { get; private set; }

        public long CrossFrees { get; private set; }

        public void Pass<TAllocator>(TAllocator allocator, int pass, FinishLine finish)
            where TAllocator : struct, IAllocator
        {
            _sizeIndex = (index + 1) * (pass + 1) * 37;
            bool handOn = settings.CrossRate > 0;
            for (int loop = 0; loop < settings.Loops; loop++)
            {
                int allocCount = settings.Ops * (31 + _random.Below(69)) / 100;
                int freeCount = (int)(0.8 * settings.Ops * (31 + _random.Below(69)) / 100);
                for (int i = 0; i < freeCount; i++)
                {
                    ref Block slot = ref _slots[_freeIndex];
                    if (!slot.IsNull)
                    {
                        allocator.Free(slot);
                        slot = default;
                        Operations++;
                    }
                    _freeIndex = (_freeIndex + freeStep) % _slots.Length;
                }
                FreeHandedBatches(allocator);
                for (int i = 0; i < allocCount; i++)
                {
                    ref Block slot = ref _slots[_allocIndex];
                    if (!slot.IsNull)
                    {
                        allocator.Free(slot);
                        Operations++;
                    }
                    slot = NewBlock(allocator);
                    _allocIndex = (_allocIndex + allocStep) % _slots.Length;
                }
                if (handOn && loop % settings.CrossRate == 0)
                {
                    Block[] batch = new Block[allocCount];
                    for (int i = 0; i < batch.Length; i++)
                    {
                        batch[i] = NewBlock(allocator);
                    }
                    inboxes[NextTarget()].Push(batch);
                }
                if (finish.AnyFinished)
                {
                    // As in rptest: once one thread is done with its loops, nobody hands batches on any more.
                    handOn = false;
                }
            }
            finish.Cross(() => FreeHandedBatches(allocator));
            for (int i = 0; i < _slots.Length; i++)
            {
                if (!_slots[i].IsNull)
                {
                    allocator.Free(_slots[i]);
                    _slots[i] = default;
                    Operations++;
                }
            }
        }

        private Block NewBlock<TAllocator>(TAllocator allocator)
            where TAllocator : struct, IAllocator
        {
            nuint size = sizes[_sizeIndex++];
            Block block = Checked.NotNull(allocator.Malloc(size), size);
            if (settings.Touch == TouchPolicy.Published)
            {
                Touch(block);
            }
            else
            {
                block.Touch(1);
            }
            Operations++;
            return block;
        }

        private void FreeHandedBatches<TAllocator>(TAllocator allocator)
            where TAllocator : struct, IAllocator
        {
            long freed = inboxes[index].FreeAll(allocator);
            Operations += freed;
            CrossFrees += freed;
        }

        /// <summary>The next thread in turn, never this one.</summary>
        private int NextTarget()
        {
            _crossTarget = ((_crossTarget < 0 ? index : _crossTarget) + 1) % threads;
            if (_crossTarget == index)
            {
                _crossTarget = (_crossTarget + 1) % threads;
            }
            return _crossTarget;
        }
    }
}
