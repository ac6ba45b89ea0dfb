using System.Diagnostics;
using System.Globalization;
using Workbench.Benchmarks.Allocators;
using Workbench.Benchmarks.Sizes;

namespace Workbench.Benchmarks.Workloads;

/// <summary>
/// mstress (mimalloc-bench's stress test, <c>mstress N 50 25</c>): in each of <c>iterations</c> phases, <c>threads</c>
/// fresh threads allocate and free blocks and swap blocks they hold with 1000 slots shared by all threads, so blocks
/// outlive the thread that allocated them and are freed by others; between phases the main thread frees about half of
/// the shared slots (all of them after the last). Sizes are powers of two words (1-16 words for short-lived blocks,
/// 1-64 for retained ones), with 2% of blocks 100 times larger, a tenth of those 1000 times and a hundredth 10,000
/// times. Every word of a block is written when it is allocated and checked when it is freed: a block whose contents
/// changed fails the trial, naming the block and the word.
/// </summary>
public sealed class MstressWorkload : Workload
{
    /// <summary>The shared slots, as in the original.</summary>
    public const int TransferSlots = 1000;

    /// <summary>What each word holds is its index from the end, xor this (the original's cookie).</summary>
    private const ulong Cookie = 0xbf58476d1ce4e5b9UL;

    /// <inheritdoc />
    public override string Name => "mstress";

    /// <inheritdoc />
    public override string Description => "mimalloc-bench mstress: threads re-created each phase swap blocks through 1000 shared slots; powers-of-two words with rare x100/x1000/x10000 blocks; every block checked";

    /// <inheritdoc />
    public override string Operation => "one malloc (and, later, its checked free)";

    /// <inheritdoc />
    public override string DefaultSizes => "pow2:8-512";

    /// <inheritdoc />
    public override IReadOnlyList<int> QuickThreads => [2];

    /// <inheritdoc />
    public override IReadOnlyList<Knob> Knobs { get; } =
    [
        new("scale", "load per thread: thread t allocates 100 x scale x (t mod 8 + 1) short-lived blocks and half as many retained ones per phase (mimalloc-bench: 50)", 50, 3, Min: 1, Max: 100_000),
        new("iterations", "phases, each with fresh threads (mimalloc-bench: 25)", 25, 3, Min: 1, Max: 100_000),
        new("large", "1: allow the x1000 and x10000 blocks (the original's allow_large_objects); 0: only x100", 1, 1, Min: 0, Max: 1),
    ];

    /// <inheritdoc />
    public override string? Obstacle(AllocatorInfo allocator, int threads, string sizes) =>
        SizeDistribution.Parse(sizes).Spec == SizeDistribution.Parse(DefaultSizes).Spec
            ? null
            : $"skipped: mstress draws its own sizes (powers of two words with rare x100/x1000/x10000 blocks), not '{sizes}': run it with its default sizes";

    /// <inheritdoc />
    public override WorkloadResult Run<TAllocator>(TAllocator allocator, WorkloadContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        int scale = (int)context.Knob("scale");
        long phases = context.Knob("iterations");
        bool large = context.Knob("large") != 0;
        Block[] transfer = new Block[TransferSlots];
        int[] slotLocks = new int[TransferSlots];
        long allocations = 0;
        long swaps = 0;
        long largeBlocks = 0;
        WorkloadResult result = new();
        MixRandom main = new(43 * 43 + context.Seed);
        long start = Stopwatch.GetTimestamp();
        for (long phase = 0; phase < phases; phase++)
        {
            int seed = unchecked(context.Seed + (int)phase * 7919);
            GangResult gang = ThreadGang.Run(context.Threads, t =>
            {
                Counts counts = Stress(allocator, t, scale, large, seed, transfer, slotLocks);
                Interlocked.Add(ref allocations, counts.Allocations);
                Interlocked.Add(ref swaps, counts.Swaps);
                Interlocked.Add(ref largeBlocks, counts.Large);
            });
            result.WorkerCpuMask = gang.WorkerCpuMask;
            bool last = phase + 1 == phases;
            for (int i = 0; i < TransferSlots; i++)
            {
                if (main.Chance(50) || last)
                {
                    FreeChecked(allocator, transfer[i]);
                    transfer[i] = default;
                }
            }
        }
        result.ElapsedSeconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        result.Operations = allocations;
        result.Metrics["transfer_swaps"] = swaps;
        result.Metrics["large_blocks"] = largeBlocks;
        result.Metrics["threads_started"] = phases * context.Threads;
        return result;
    }

    /// <summary>One thread's share of a phase (the original's <c>stress(tid)</c>).</summary>
    private static Counts Stress<TAllocator>(TAllocator allocator, int tid, int scale, bool large, int seed, Block[] transfer, int[] slotLocks)
        where TAllocator : struct, IAllocator
    {
        MixRandom r = new(unchecked((tid + 1) * 43 + seed));
        long allocs = 100L * scale * (tid % 8 + 1);
        long retain = allocs / 2;
        List<Block> data = [];
        Block[] retained = new Block[retain];
        long retainTop = 0;
        Counts counts = default;
        while (allocs > 0 || retain > 0)
        {
            if (retain == 0 || (r.Chance(50) && allocs > 0))
            {
                allocs--;
                data.Add(AllocItems(allocator, 1UL << (int)(r.Next() % 5), large, ref r, ref counts));
            }
            else
            {
                retained[retainTop++] = AllocItems(allocator, 1UL << (int)(r.Next() % 7), large, ref r, ref counts);
                retain--;
            }
            if (r.Chance(66) && data.Count > 0)
            {
                int index = (int)(r.Next() % (ulong)data.Count);
                FreeChecked(allocator, data[index]);
                data[index] = default;
            }
            if (r.Chance(25) && data.Count > 0)
            {
                int index = (int)(r.Next() % (ulong)data.Count);
                int slot = (int)(r.Next() % TransferSlots);
                data[index] = Exchange(transfer, slotLocks, slot, data[index]);
                counts.Swaps++;
            }
        }
        for (long i = 0; i < retainTop; i++)
        {
            FreeChecked(allocator, retained[i]);
        }
        foreach (Block block in data)
        {
            FreeChecked(allocator, block);
        }
        return counts;
    }

    /// <summary>
    /// Puts <paramref name="block"/> into the shared slot and returns what it held, as one atomic step: a block is a
    /// 24-byte handle (address or array, and size), too wide for one compare-and-swap, so each slot has a spin lock
    /// held for the two moves only.
    /// </summary>
    private static Block Exchange(Block[] transfer, int[] slotLocks, int slot, Block block)
    {
        SpinWait spin = default;
        while (Interlocked.Exchange(ref slotLocks[slot], 1) != 0)
        {
            spin.SpinOnce();
        }
        Block previous = transfer[slot];
        transfer[slot] = block;
        Volatile.Write(ref slotLocks[slot], 0);
        return previous;
    }

    /// <summary>A block of <paramref name="items"/> words (rarely 100, 1000 or 10,000 times more), every word written.</summary>
    private static Block AllocItems<TAllocator>(TAllocator allocator, ulong items, bool large, ref MixRandom r, ref Counts counts)
        where TAllocator : struct, IAllocator
    {
        if (r.Chance(1))
        {
            if (r.Chance(1) && large)
            {
                items *= 10_000;
            }
            else if (r.Chance(10) && large)
            {
                items *= 1000;
            }
            else
            {
                items *= 100;
            }
            counts.Large++;
        }
        if (items == 40)
        {
            // The original's own skew: pthreads grows its stacks by blocks of this many words.
            items++;
        }
        nuint size = (nuint)(items * sizeof(ulong));
        Block block = Checked.NotNull(allocator.Malloc(size), size);
        Span<ulong> words = BlockBytes.Words(block);
        for (int i = 0; i < words.Length; i++)
        {
            words[i] = (items - (ulong)i) ^ Cookie;
        }
        counts.Allocations++;
        return block;
    }

    /// <summary>Checks every word of a block mstress wrote, then frees it; an empty slot is skipped.</summary>
    /// <exception cref="InvalidDataException">A word is not what was written: the allocator corrupted a live block.</exception>
    private static void FreeChecked<TAllocator>(TAllocator allocator, Block block)
        where TAllocator : struct, IAllocator
    {
        if (block.IsNull)
        {
            return;
        }
        Span<ulong> words = BlockBytes.Words(block);
        ulong items = (ulong)words.Length;
        for (int i = 0; i < words.Length; i++)
        {
            ulong expected = (items - (ulong)i) ^ Cookie;
            if (words[i] != expected)
            {
                Corrupt(block, i, words[i], expected);
            }
        }
        allocator.Free(block);
    }

    private static void Corrupt(Block block, int word, ulong found, ulong expected) =>
        throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture,
            $"mstress: memory corruption in the live block of {block.Size} bytes at 0x{block.Address:x}: word {word} holds 0x{found:x16} where 0x{expected:x16} was written (the allocator handed this memory to another block too, or wrote into it)"));

    /// <summary>What one thread did in a phase.</summary>
    private struct Counts
    {
        public long Allocations;
        public long Swaps;
        public long Large;
    }

    /// <summary>A 64-bit generator (xorshift64*) and the original's percent test (<c>pick % 100 &lt;= perc</c>).</summary>
    private struct MixRandom(int seed)
    {
        private ulong _state = ((ulong)(uint)seed << 1) | 1UL;

        public ulong Next()
        {
            _state ^= _state >> 12;
            _state ^= _state << 25;
            _state ^= _state >> 27;
            return _state * 0x2545F4914F6CDD1DUL;
        }

        public bool Chance(int percent) => Next() % 100 <= (ulong)percent;
    }
}
