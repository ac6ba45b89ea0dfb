using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Workbench.Benchmarks.Allocators;

/// <summary>
/// The floor of a managed thread-caching allocator: per-thread last-in-first-out free lists, one per 16-byte size
/// class up to <see cref="MaxSmall"/>, found through one thread-static read per call, and nothing else. Free is told
/// the block's size (the harness records it in <see cref="Block"/>), so there is no header, no size lookup, no
/// statistics, no ownership and no zero-fill or alignment bookkeeping: what cfa-malloc does beyond this is the cost
/// of its features, and what this costs beyond a native allocator is the runtime's (on Linux, .NET reaches a thread
/// static through a call to <c>__tls_get_addr</c>, where a native allocator reads its thread cache with one
/// <c>fs:</c>-relative load).
/// </summary>
/// <remarks>
/// Not an allocator to use: a block freed by another thread joins that thread's lists and never goes back (as
/// without ownership), so a producer-consumer workload grows as <see cref="BumpAllocator"/> does, and nothing is
/// given back before <see cref="ReleaseAll"/> at the end of the trial. Larger blocks and aligned ones come from
/// <see cref="NativeMemory"/> (glibc).
/// </remarks>
public readonly unsafe struct LifoAllocator : IAllocator
{
    /// <summary>The largest request served from the lists; larger ones go to glibc.</summary>
    public const nuint MaxSmall = 64 * 1024;

    private const int ClassShift = 4;
    private const nuint ChunkSize = 4 << 20;

    private static readonly ChunkList s_chunks = new();

    /// <inheritdoc />
    public AllocatorFeatures Features => AllocatorFeatures.All;

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Block Malloc(nuint size)
    {
        Lists* lists = CurrentLists.t_lists;
        if (lists != null && size - 1 < MaxSmall)
        {
            ref nint head = ref ((nint*)lists->Heads)[ClassOf(size)];
            nint block = head;
            if (block != 0)
            {
                head = *(nint*)block;
                return new Block((void*)block, size);
            }
        }
        return new Block(MallocSlow(size), size);
    }

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Free(Block block)
    {
        nint p = block.Address;
        Lists* lists = CurrentLists.t_lists;
        if (p != 0 && lists != null && block.Size - 1 < MaxSmall)
        {
            ref nint head = ref ((nint*)lists->Heads)[ClassOf(block.Size)];
            *(nint*)p = head;
            head = p;
            return;
        }
        FreeSlow(block);
    }

    /// <inheritdoc />
    public Block Calloc(nuint count, nuint size)
    {
        if (size != 0 && count > nuint.MaxValue / size)
        {
            return default;
        }
        Block block = Malloc(count * size);
        if (!block.IsNull)
        {
            NativeMemory.Clear((void*)block.Address, block.Size);
        }
        return block;
    }

    /// <inheritdoc />
    public Block Realloc(Block block, nuint size)
    {
        Block moved = Malloc(size);
        if (!block.IsNull && !moved.IsNull)
        {
            Buffer.MemoryCopy((void*)block.Address, (void*)moved.Address, size, Math.Min(size, block.Size));
            Free(block);
        }
        return moved;
    }

    /// <inheritdoc />
    public Block AlignedAlloc(nuint alignment, nuint size) => new(NativeMemory.AlignedAlloc(Math.Max(size, 1), alignment), size);

    /// <inheritdoc />
    public void AlignedFree(Block block) => NativeMemory.AlignedFree((void*)block.Address);

    /// <summary>
    /// Frees every chunk of every thread. Only when no block is in use any more and every thread that
    /// allocated, other than the caller, has exited (the workloads' threads are fresh for each trial).
    /// </summary>
    public static void ReleaseAll()
    {
        s_chunks.FreeAll();
        CurrentLists.t_lists = null;
    }

    /// <summary>The list of a request of 1 to <see cref="MaxSmall"/> bytes: its size rounded up to 16 bytes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static nuint ClassOf(nuint size) => (size + (1 << ClassShift) - 1) >> ClassShift;

    /// <summary>Carves a block from the thread's chunk (its list was empty), or serves a size 0 or a large request.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void* MallocSlow(nuint size)
    {
        if (size > MaxSmall)
        {
            return NativeMemory.Alloc(size);
        }
        Lists* lists = CurrentLists.t_lists != null ? CurrentLists.t_lists : CreateLists();
        if (lists == null)
        {
            return null;
        }
        // A zero-size request takes a 16-byte block, so that it is unique (and its free finds the same list).
        nuint bytes = ClassOf(Math.Max(size, 1)) << ClassShift;
        if ((nuint)(lists->End - lists->Next) < bytes)
        {
            var chunk = (byte*)s_chunks.Take(ChunkSize);
            if (chunk == null)
            {
                return null;
            }
            lists->Next = chunk;
            lists->End = chunk + ChunkSize;
        }
        byte* block = lists->Next;
        lists->Next += bytes;
        return block;
    }

    /// <summary>Frees null (nothing), a size-0 block (the 16-byte list), a large block (glibc), or a first-call thread's block.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void FreeSlow(Block block)
    {
        if (block.IsNull)
        {
            return;
        }
        if (block.Size > MaxSmall)
        {
            NativeMemory.Free((void*)block.Address);
            return;
        }
        Lists* lists = CurrentLists.t_lists != null ? CurrentLists.t_lists : CreateLists();
        if (lists == null)
        {
            // Out of memory for the lists themselves: the block is leaked, which a floor may do.
            return;
        }
        ref nint head = ref ((nint*)lists->Heads)[ClassOf(Math.Max(block.Size, 1))];
        *(nint*)block.Address = head;
        head = block.Address;
    }

    private static Lists* CreateLists()
    {
        var lists = (Lists*)s_chunks.Take((nuint)sizeof(Lists));
        if (lists != null)
        {
            NativeMemory.Clear(lists, (nuint)sizeof(Lists));
            CurrentLists.t_lists = lists;
        }
        return lists;
    }

    /// <summary>
    /// One thread's lists. Invariants: <c>Heads[c]</c> is the first block of class c (of 16 x c bytes, or null), and
    /// each block's first word links to the next; <c>Next &lt;= End</c> bound the unused rest of the thread's chunk.
    /// Only the owning thread reads or writes it.
    /// </summary>
    private struct Lists
    {
        public fixed long Heads[(int)(MaxSmall >> ClassShift) + 1];
        public byte* Next;
        public byte* End;
    }

    /// <summary>
    /// The calling thread's lists, or null before its first call. A class of its own with no other statics and no
    /// static constructor, so that the JIT reads the slot straight from the thread's storage, as cfa-malloc's
    /// <c>CurrentHeap</c> does (a thread static of a class with a static constructor is reached through the
    /// runtime's table of thread-static blocks: three more dependent loads per call).
    /// </summary>
    private static class CurrentLists
    {
        [ThreadStatic] internal static Lists* t_lists;
    }
}
