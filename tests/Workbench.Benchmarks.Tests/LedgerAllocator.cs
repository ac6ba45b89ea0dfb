using System.Runtime.InteropServices;
using Workbench.Benchmarks.Allocators;

namespace Workbench.Benchmarks.Tests;

/// <summary>
/// A test double that keeps a ledger of every call: which thread allocated and freed each block and in what order
/// (malloc sequence numbers), so that tests can check what a workload did to the allocator, not only what it reports.
/// Blocks come from NativeMemory. With <see cref="Ledger.AliasEvery"/> set, every n-th malloc hands out a live block
/// that is larger than the request again (a corrupting allocator); the memory stays valid until its last holder frees it.
/// </summary>
internal readonly unsafe struct LedgerAllocator(Ledger ledger) : IAllocator
{
    public AllocatorFeatures Features => AllocatorFeatures.None;

    public Block Malloc(nuint size) => ledger.Malloc(size);

    public void Free(Block block) => ledger.Free(block);

    public Block Calloc(nuint count, nuint size) => throw new NotSupportedException();

    public Block Realloc(Block block, nuint size) => throw new NotSupportedException();

    public Block AlignedAlloc(nuint alignment, nuint size) => throw new NotSupportedException();

    public void AlignedFree(Block block) => throw new NotSupportedException();
}

/// <summary>The record a <see cref="LedgerAllocator"/> keeps.</summary>
internal sealed unsafe class Ledger
{
    private readonly Lock _lock = new();
    private readonly Dictionary<nint, Entry> _live = [];
    private long _sequence;

    /// <summary>Every n-th malloc aliases a larger live block (0: never).</summary>
    public int AliasEvery { get; init; }

    /// <summary>The number of the one malloc that fails (returns null), counting from 1; 0: none fails.</summary>
    public long FailAt { get; init; }

    public long Mallocs { get; private set; }

    public long Frees { get; private set; }

    /// <summary>Frees on another managed thread than the block's malloc.</summary>
    public long RemoteFrees { get; private set; }

    /// <summary>Every size asked for.</summary>
    public HashSet<nuint> Sizes { get; } = [];

    /// <summary>The malloc sequence number of each freed block, in the order of the frees.</summary>
    public List<long> FreeOrder { get; } = [];

    public int Live
    {
        get
        {
            lock (_lock)
            {
                return _live.Count;
            }
        }
    }

    public Block Malloc(nuint size)
    {
        lock (_lock)
        {
            Mallocs++;
            if (Mallocs == FailAt)
            {
                return default;
            }
            Sizes.Add(size);
            if (AliasEvery > 0 && Mallocs % AliasEvery == 0)
            {
                foreach ((nint address, Entry entry) in _live)
                {
                    if (entry.Size > size)
                    {
                        entry.Holders++;
                        return new Block((void*)address, size);
                    }
                }
            }
            void* p = NativeMemory.Alloc(Math.Max(size, 1));
            _live[(nint)p] = new Entry(size, Environment.CurrentManagedThreadId, _sequence++);
            return new Block(p, size);
        }
    }

    public void Free(Block block)
    {
        lock (_lock)
        {
            if (!_live.TryGetValue(block.Address, out Entry? entry))
            {
                throw new InvalidOperationException($"free of 0x{block.Address:x}, which is not live");
            }
            Frees++;
            FreeOrder.Add(entry.Sequence);
            if (entry.Thread != Environment.CurrentManagedThreadId)
            {
                RemoteFrees++;
            }
            if (--entry.Holders == 0)
            {
                _live.Remove(block.Address);
                NativeMemory.Free((void*)block.Address);
            }
        }
    }

    private sealed class Entry(nuint size, int thread, long sequence)
    {
        public nuint Size { get; } = size;

        public int Thread { get; } = thread;

        public long Sequence { get; } = sequence;

        public int Holders { get; set; } = 1;
    }
}
