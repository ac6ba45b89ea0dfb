using Workbench.Benchmarks.Allocators;
using Workbench.Benchmarks.Workloads;

namespace Workbench.Benchmarks.Tests.Published;

/// <summary>What a workload asked of the allocator, one call at a time.</summary>
internal enum CallKind
{
    Malloc,
    Calloc,
    Free,
}

/// <summary>
/// One call: its order in the log, what it was, the size asked for (count x size for calloc; the block's size for a
/// free), the address, the thread that made it (numbered from 1 in the order threads first called, never reused, unlike
/// managed thread ids) and, for a free, the block's first bytes and whether all of it was zero.
/// </summary>
internal sealed record Call(long Order, CallKind Kind, nuint Size, nint Address, int Thread, byte[]? Content, bool AllZero, nuint CallocCount);

/// <summary>
/// Every call a workload makes, in order, from every thread. The allocator it hands out (<see cref="Allocator"/>) is
/// glibc's malloc through <see cref="NativeMemoryAllocator"/>, with one change: malloc fills each new block with 0xCD,
/// so what a workload wrote is told apart from what the memory held before.
/// </summary>
internal sealed class CallLog
{
    /// <summary>The byte every fresh malloc'd block holds before the workload writes it.</summary>
    public const byte Fresh = 0xCD;

    /// <summary>How many leading bytes of a block are kept when it is freed.</summary>
    public const int Kept = 4096;

    [ThreadStatic]
    private static int t_thread;

    private static int s_threads;

    private readonly List<Call> _calls = [];

    private readonly List<(long Position, int Thread)> _endings = [];

    /// <summary>The calls so far, in order.</summary>
    public IReadOnlyList<Call> Calls
    {
        get
        {
            lock (_calls)
            {
                return [.. _calls];
            }
        }
    }

    /// <summary>
    /// The threads that said they were ending (<see cref="IAllocator.ThreadEnding"/>), in order: each with the number
    /// of calls logged before it (so it came before the call of that order) and the thread's number.
    /// </summary>
    public IReadOnlyList<(long Position, int Thread)> Endings
    {
        get
        {
            lock (_calls)
            {
                return [.. _endings];
            }
        }
    }

    /// <summary>The number of the calling thread (unique for the test process's life).</summary>
    public static int CurrentThread => t_thread != 0 ? t_thread : t_thread = Interlocked.Increment(ref s_threads);

    /// <summary>An allocator that logs into this log.</summary>
    public LoggingAllocator Allocator => new(this);

    internal void Add(CallKind kind, Block block, nuint count = 0)
    {
        byte[]? content = null;
        bool zero = false;
        if (kind == CallKind.Free)
        {
            content = BlockWrites.Bytes(block, Math.Min(block.Size, Kept)).ToArray();
            zero = block.IsZero();
        }
        lock (_calls)
        {
            _calls.Add(new Call(_calls.Count, kind, block.Size, block.Address, CurrentThread, content, zero, count));
        }
    }

    internal void AddEnding()
    {
        lock (_calls)
        {
            _endings.Add((_calls.Count, CurrentThread));
        }
    }

    /// <summary>The logging allocator: a small struct, as the workloads' generic loops want.</summary>
    internal readonly struct LoggingAllocator(CallLog log) : IAllocator
    {
        private readonly NativeMemoryAllocator _inner = new();

        public AllocatorFeatures Features => AllocatorFeatures.Calloc;

        public Block Malloc(nuint size)
        {
            Block block = _inner.Malloc(size);
            block.Fill(Fresh);
            log.Add(CallKind.Malloc, block);
            return block;
        }

        public void Free(Block block)
        {
            Assert.False(block.IsNull, "a workload freed an empty block");
            log.Add(CallKind.Free, block);
            _inner.Free(block);
        }

        public Block Calloc(nuint count, nuint size)
        {
            Block block = _inner.Calloc(count, size);
            log.Add(CallKind.Calloc, block, count);
            return block;
        }

        public Block Realloc(Block block, nuint size) => throw new NotSupportedException("not logged");

        public Block AlignedAlloc(nuint alignment, nuint size) => throw new NotSupportedException("not logged");

        public void AlignedFree(Block block) => throw new NotSupportedException("not logged");

        public void ThreadEnding() => log.AddEnding();
    }
}
