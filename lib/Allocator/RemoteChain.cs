using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Workbench.Allocator;

/// <summary>
/// Blocks this heap's thread has freed for another heap's bucket, collected so that they go home
/// with one CAS instead of one each (the remote-free batch).
/// </summary>
/// <remarks>
/// Invariants:
/// <list type="bullet">
/// <item>Touched only by the thread that owns the heap holding the chain (or, once that thread
/// has died, by the pool under its lock).</item>
/// <item><see cref="Head"/> to <see cref="Tail"/> is a null-terminated list, linked through
/// <see cref="BlockHeader.Word"/>, of <see cref="Count"/> free blocks, all of the bucket
/// <see cref="Target"/>; the chain is empty when <see cref="Head"/> is null.</item>
/// <item>A chain holds fewer than <see cref="BatchBlocks"/> blocks and fewer than
/// <see cref="BatchBytes"/> bytes: the memory a thread keeps away from other heaps
/// is bounded.</item>
/// <item>As formulas: C1-C4 and L1-L4 of <see cref="HeapInvariants"/>, checked by <see cref="HeapInvariants.CheckChain"/>.</item>
/// </list>
/// </remarks>
[StructLayout(LayoutKind.Sequential, Size = 32)]
internal unsafe struct RemoteChain
{
    internal Bucket* Target;
    internal BlockHeader* Head;
    internal BlockHeader* Tail;
    internal nint Count;

    /// <summary>The most blocks a remote-free chain collects before it goes home.</summary>
    internal const int BatchBlocks = 64;

    /// <summary>The most bytes a remote-free chain collects before it goes home.</summary>
    internal const nuint BatchBytes = 64 * 1024;

    /// <summary>
    /// Adds a block freed by <paramref name="heap"/>'s thread for another heap's
    /// <paramref name="bucket"/> to the outgoing chain of its size class. The chain goes home with
    /// one CAS when it is full or when a block for another heap arrives. One CAS per block made
    /// the owner's remote head a contended cache line under producer/consumer traffic (xmalloc-test).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Add(ThreadHeap* heap, Bucket* bucket, BlockHeader* block) => Append(heap, ThreadHeap.IndexOf(bucket), bucket, block);

    /// <summary><see cref="Add"/> for a caller that knows the bucket's size class <paramref name="index"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Append(ThreadHeap* heap, int index, Bucket* bucket, BlockHeader* block)
    {
        RemoteChain* chain = ThreadHeap.ChainOf(heap, index);
        if (chain->Target != bucket)
        {
            Flush(chain);
            chain->Target = bucket;
        }
        if (chain->Head == null)
            chain->Tail = block;
        block->Size = BlockHeader.FreedMark;
        block->Word = (nuint)chain->Head;
        chain->Head = block;
        nint count = ++chain->Count;
        if (count >= BatchBlocks || (nuint)count * SizeClasses.BlockSize(index) >= BatchBytes)
            Flush(chain);
        HeapInvariants.Assert(HeapInvariants.CheckChain(heap, index));
    }

    /// <summary>Sends every chain of <paramref name="heap"/> home (its owner, or the pool once the owner has died).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void FlushAll(ThreadHeap* heap)
    {
        for (int i = 0; i < SizeClasses.s_count; i++)
            Flush(ThreadHeap.ChainOf(heap, i));
    }

    /// <summary>Pushes a chain onto its target's remote list, and empties it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Flush(RemoteChain* chain)
    {
        if (chain->Head == null)
            return;
        ThreadHeap.PushRemote(chain->Target, chain->Head, chain->Tail);
        chain->Head = null;
        chain->Tail = null;
        chain->Count = 0;
    }
}
