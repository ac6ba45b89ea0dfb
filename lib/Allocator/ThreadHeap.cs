using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Workbench.Allocator;

/// <summary>The routines whose calls the statistics count separately.</summary>
internal enum Routine
{
    Malloc, Aalloc, Calloc, Memalign, Amemalign, Cmemalign, Resize, Realloc, Free,
}

/// <summary>One routine's counters in one heap.</summary>
/// <remarks>Invariant: written only by the heap's owner thread, with plain increments.</remarks>
[StructLayout(LayoutKind.Sequential)]
internal struct RoutineTally
{
    internal long Calls;
    internal long ZeroCalls;
    internal long Requested;
    internal long Allocated;
}

/// <summary>
/// One size class's counters in one heap that the malloc and calloc fast paths do not keep (they count in the
/// <see cref="Bucket"/>, whose line has no room left): blocks the other paths took from the bucket, and blocks refills
/// carved for it. Together they give the per-bucket statistics (<see cref="BucketCounters"/>).
/// </summary>
/// <remarks>
/// Invariant: written only by the heap's owner thread, with plain increments, on paths that already write a line
/// other than the bucket's (a routine tally, or the bump area), so the malloc-free pair never touches this line.
/// </remarks>
[StructLayout(LayoutKind.Sequential)]
internal struct BucketTally
{
    /// <summary>Blocks taken from the bucket by memalign's fast path, realloc's fast path and the general paths.</summary>
    internal long OtherTakes;

    /// <summary>Blocks refills carved from the bump area for the bucket (each one is new storage).</summary>
    internal long Carved;
}

/// <summary>The counters of every routine, indexed by <see cref="Routine"/>.</summary>
[InlineArray(Count)]
internal struct RoutineTallies
{
    /// <summary>How many routines <see cref="Routine"/> names (its last value plus one).</summary>
    internal const int Count = (int)Routine.Free + 1;

    private RoutineTally _first;
}

/// <summary>
/// The free list of one size class in one heap, with the counters of the fast paths.
/// </summary>
/// <remarks>
/// Invariants:
/// <list type="bullet">
/// <item>64 bytes, one cache line each, 64-aligned (block headers keep flags in the 4 low bits
/// of a bucket address, which needs only 16).</item>
/// <item><see cref="FreeList"/> and the four counters are touched only by the thread that owns the
/// bucket's heap (no lock, no atomic): the fast paths of Malloc and Free update one line,
/// the one whose free list they pop or push. Blocks freed by other threads go to the heap's remote
/// head of the same index (see <see cref="ThreadHeap.RemoteHead"/>), on other cache lines, so that
/// remote pushes do not invalidate the owner's hot line.</item>
/// <item>The counters cover only the fast paths; the slow paths count in the heap's
/// <see cref="RoutineTally"/> records. A snapshot adds both (bytes allocated by a fast path are
/// its count times <see cref="BlockSize"/>).</item>
/// <item><see cref="BlockSize"/> never changes after the heap is built, but only the owner reads it: the line is
/// the owner's hot line, so another thread reading it on every remote free would take it away from the owner on
/// every free. Every thread derives the bucket's index and heap from its address (<see cref="ThreadHeap.IndexOf"/>,
/// <see cref="ThreadHeap.HeapOf"/>); the bucket holds neither.</item>
/// <item>Calloc's fast path counts here too (<see cref="FastCallocs"/>), not in the heap's calloc tally: three
/// more increments on another line cost about 1.4 ns per calloc+free of 1 KiB, against 8 ns for the pair
/// (commit 674c375). The line has no room left.</item>
/// <item>As formulas: B1-B2 and L1-L4 of <see cref="HeapInvariants"/>, checked by <see cref="HeapInvariants.CheckBucket"/>.</item>
/// </list>
/// </remarks>
[StructLayout(LayoutKind.Sequential, Size = 64)]
internal unsafe struct Bucket
{
    internal BlockHeader* FreeList;
    internal nuint BlockSize;
    internal long FastMallocs;
    internal long FastMallocBytes;
    internal long FastFrees;
    internal long FastFreeBytes;
    internal long FastCallocs;
    internal long FastCallocBytes;
}

/// <summary>
/// A thread's heap: its buckets, remote heads, bump area and counters, all in one region of
/// unmanaged memory carved from the shared area and never given back (heaps are pooled).
/// </summary>
/// <remarks>
/// Layout of the region (<see cref="Span"/> bytes, 64-aligned):
/// <c>[ThreadHeap fields | Bucket x count at BucketsOffset | remote head x count at s_remoteOffset |
/// RemoteChain x count at s_chainOffset | BucketTally x count at s_bucketTallyOffset]</c>.
/// Invariants:
/// <list type="bullet">
/// <item>Exactly one thread owns a heap at a time; it alone writes the bump area, the buckets'
/// free lists and the counters. Others read counters (statistics, under the pool lock) and
/// push onto remote heads with CAS.</item>
/// <item>A remote head is a Treiber stack: pushes are CAS loops, the owner takes the whole
/// stack with one exchange, so there is no ABA problem.</item>
/// <item><see cref="BumpNext"/> &lt;= <see cref="BumpEnd"/>; both 16-aligned; the area between
/// them is committed and free: never handed out, or given back by the last block carved when realloc shrank it
/// or moved it away (<see cref="ResizeLastCarved"/>, <see cref="GiveBackLastCarved"/>) or a refill took it back
/// free (<see cref="ReclaimLastCarved"/>), so it may hold old bytes and nothing that carves from it assumes zeros. A block ends at <see cref="BumpNext"/> only if it is the
/// last one carved: only then may it grow into the area, or give its end back, by moving <see cref="BumpNext"/>.
/// <see cref="LastCarved"/>, when not null, is that block's header, allocated or free. Its pages below <see cref="PrefaultedEnd"/> are resident even
/// where nothing is carved yet (<see cref="ThreadHeap.Prefault"/>); <see cref="PrefaultedEnd"/> only moves up, except
/// when such pages are given back (<see cref="ThreadHeap.DecommitPrefaulted"/>: by MallocTrim, or by a heap leaving its area).</item>
/// <item>A block's bucket lies inside its heap's region, so "is this block mine" is one
/// subtraction and compare against <see cref="Span"/> with no load from the block's heap.</item>
/// <item>Every heap's region starts at a multiple of <see cref="Alignment"/>.</item>
/// <item>As formulas: H1-H4 (region and bump area), L1-L4 (remote lists) and T1-T2 (tallies) of
/// <see cref="HeapInvariants"/>; debug builds check them on the slow paths.</item>
/// </list>
/// </remarks>
[StructLayout(LayoutKind.Sequential)]
internal unsafe partial struct ThreadHeap
{
    /// <summary>Where the buckets start, from the heap's address (a constant for the fast path).</summary>
    internal const int BucketsOffset = 512;

    /// <summary>
    /// Where the naturally aligned classes' buckets start, from the heap's address: the end of the plain ones
    /// (<see cref="SizeClasses.s_plainCount"/>).
    /// </summary>
    internal static readonly nuint s_naturalOffset = (nuint)(BucketsOffset + SizeClasses.s_plainCount * sizeof(Bucket));

    /// <summary>Where the remote heads start, from the heap's address.</summary>
    internal static readonly int s_remoteOffset = AlignUp(BucketsOffset + SizeClasses.s_count * sizeof(Bucket), 64);

    /// <summary>Where the outgoing remote-free chains start, from the heap's address.</summary>
    internal static readonly int s_chainOffset = AlignUp(s_remoteOffset + SizeClasses.s_count * sizeof(nint), 64);

    /// <summary>Where the per-bucket counters of the paths other than malloc's and calloc's fast paths start.</summary>
    internal static readonly int s_bucketTallyOffset = AlignUp(s_chainOffset + SizeClasses.s_count * sizeof(RemoteChain), 64);

    /// <summary>Bytes of one heap's region.</summary>
    internal static readonly nuint Span = (nuint)AlignUp(s_bucketTallyOffset + SizeClasses.s_count * sizeof(BucketTally), 64);

    /// <summary>
    /// The alignment of every heap's region: the power of two at or above <see cref="Span"/>, so that a bucket's
    /// heap, index and block size follow from the bucket's address alone (<see cref="HeapOf"/>,
    /// <see cref="IndexOf"/>), without reading the bucket's line, which its owner writes on every malloc and free.
    /// </summary>
    internal static readonly nuint Alignment = System.Numerics.BitOperations.RoundUpToPowerOf2(Span);

    // Owner-only hot state: one or two cache lines with the counters the fast path bumps.
    internal byte* BumpNext;
    internal byte* BumpEnd;

    /// <summary>
    /// The header of the block that ends at <see cref="BumpNext"/> (the last one carved), or null when that is not
    /// known (a new bump area, or the last block was given back). See <see cref="ReclaimLastCarved"/>.
    /// </summary>
    internal BlockHeader* LastCarved;

    /// <summary>
    /// The end of the prefaulted part of the bump area: the pages below it (from the area's start) are resident;
    /// above it only carving has touched pages. Page-aligned, at most <see cref="BumpEnd"/> rounded down to a page (an area may end inside a page a neighbouring block shares, whose pages it must never give back).
    /// </summary>
    internal byte* PrefaultedEnd;

    /// <summary>The ranges MallocTrim made of free blocks and gave back, which serve the next bump areas before the shared area (<see cref="TrimmedExtents"/>); null when none.</summary>
    internal TrimmedExtents.ExtentTable* Extents;
    internal RoutineTallies Tallies;

    /// <summary>Block bytes freed inside realloc/resize moves (not counted as Free calls).</summary>
    internal long InternalFreed;
    internal long RemotePushes;
    internal long RemotePulls;
    internal long MapCalls;
    internal long MapBytes;
    internal long UnmapCalls;
    internal long UnmapBytes;
    internal long PrefaultCalls;
    internal long PrefaultBytes;

    // Pool state: written under the pool lock only.
    internal ThreadHeap* NextInPool;
    internal ThreadHeap* NextFree;
    internal long Assignment;
    internal int Id;

    /// <summary>Whether a live thread owns the heap (false while it waits on the pool's free stack).</summary>
    internal bool Owned;

    /// <summary>
    /// <see cref="SealOf"/> this heap, written when the region is laid out and never again: a bucket address read from
    /// a header names a heap only if the region it points into carries its seal (<see cref="BlockValidation"/>).
    /// </summary>
    internal nuint Seal;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int AlignUp(int value, int alignment) => (value + alignment - 1) & ~(alignment - 1);

    /// <summary>The seal of the heap at <paramref name="heap"/>: its address mixed with the process's freed mark.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static nuint SealOf(ThreadHeap* heap) => (nuint)heap ^ BlockHeader.FreedMark ^ 0x5EA1;

    /// <summary>The bucket of size class <paramref name="index"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Bucket* BucketOf(ThreadHeap* heap, int index) => (Bucket*)((byte*)heap + BucketsOffset) + index;

    /// <summary>The remote head of size class <paramref name="index"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static nint* RemoteHead(ThreadHeap* heap, int index) => (nint*)((byte*)heap + s_remoteOffset) + index;

    /// <summary>The outgoing chain of blocks of size class <paramref name="index"/> freed for other heaps.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static RemoteChain* ChainOf(ThreadHeap* heap, int index) => (RemoteChain*)((byte*)heap + s_chainOffset) + index;

    /// <summary>The counters of size class <paramref name="index"/> that its bucket's line has no room for.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static BucketTally* BucketTallyOf(ThreadHeap* heap, int index) =>
        (BucketTally*)((byte*)heap + (RuntimeFeature.IsDynamicCodeSupported ? s_bucketTallyOffset : FastPathValues.s_bucketTallyOffset)) + index;

    /// <summary>Takes the first block off the bucket's free list (owner only); null when it is empty.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static BlockHeader* Pop(Bucket* bucket)
    {
        BlockHeader* block = bucket->FreeList;
        if (block != null)
            bucket->FreeList = (BlockHeader*)block->Word;
        return block;
    }

    /// <summary>
    /// The fast paths' one way to take a block: pops <paramref name="bucket"/>'s free list (owner only) into
    /// <paramref name="block"/> and writes the header of a block holding <paramref name="size"/> requested bytes, with
    /// header <paramref name="flags"/>. False when the list is empty, or when its first block lost its freed mark (its
    /// header was written while it was free: the general path, <see cref="AllocPaths.PopVerified"/>, reports that
    /// instead of handing out a block the program chose). A bool result, as the fast paths': after inlining, the
    /// caller's test folds into this one. Each routine counts the call in its own counters.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static bool Take(Bucket* bucket, nuint size, nuint flags, out BlockHeader* block)
    {
        block = bucket->FreeList;
        if (block != null && block->Size == BlockHeader.Mark)
        {
            bucket->FreeList = (BlockHeader*)block->Word;
            block->Word = (nuint)bucket | flags;
            block->Size = size;
            return true;
        }
        return false;
    }

    /// <summary>The heap of <paramref name="bucket"/>, from its address (heaps are aligned to <see cref="Alignment"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static ThreadHeap* HeapOf(Bucket* bucket) => (ThreadHeap*)((nuint)bucket & ~(Alignment - 1));

    /// <summary>The size-class index of <paramref name="bucket"/>, from its address.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static int IndexOf(Bucket* bucket) => (int)((((nuint)bucket & (Alignment - 1)) - BucketsOffset) / (nuint)sizeof(Bucket));

    /// <summary>Whether <paramref name="bucket"/>, of any heap, is a naturally aligned class's (its blocks' data 64-aligned).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static bool IsNatural(Bucket* bucket) => ((nuint)bucket & (Alignment - 1)) >= s_naturalOffset;

    /// <summary>
    /// Whether <paramref name="bucket"/> belongs to <paramref name="heap"/> and is a plain class's: <see cref="Owns"/>
    /// and not <see cref="IsNatural"/> in one compare (realloc's fast path, which moves blocks between plain classes).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static bool OwnsPlain(ThreadHeap* heap, Bucket* bucket) =>
        (nuint)((byte*)bucket - (byte*)heap) < (RuntimeFeature.IsDynamicCodeSupported ? s_naturalOffset : FastPathValues.s_naturalOffset);

    /// <summary>Whether <paramref name="bucket"/> belongs to <paramref name="heap"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static bool Owns(ThreadHeap* heap, Bucket* bucket) => (nuint)((byte*)bucket - (byte*)heap) < (RuntimeFeature.IsDynamicCodeSupported ? Span : FastPathValues.s_heapSpan);

    /// <summary>The counters of <paramref name="routine"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static RoutineTally* Tally(ThreadHeap* heap, Routine routine) => (RoutineTally*)&heap->Tallies + (int)routine;

    /// <summary>Lays out a fresh region as an empty heap.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Initialize(ThreadHeap* heap, int id)
    {
        if (sizeof(ThreadHeap) > BucketsOffset)
            throw new InvalidOperationException("ThreadHeap fields overlap its buckets: raise BucketsOffset.");
        NativeMemory.Clear(heap, Span);
        heap->Id = id;
        heap->Seal = SealOf(heap);
        for (int i = 0; i < SizeClasses.s_count; i++)
        {
            Bucket* b = BucketOf(heap, i);
            b->BlockSize = SizeClasses.BlockSize(i);
        }
    }

    /// <summary>
    /// The blocks other threads freed into <paramref name="bucket"/> (whose free list is empty), taken in one exchange:
    /// returns the first, unlinked, and makes the rest the free list. Null when there are none.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static BlockHeader* TakeRemote(ThreadHeap* heap, Bucket* bucket)
    {
        BlockHeader* taken = TakeRemoteList(heap, IndexOf(bucket));
        if (taken == null)
            return null;
        heap->RemotePulls++;
        bucket->FreeList = (BlockHeader*)taken->Word;
        return taken;
    }

    /// <summary>
    /// The whole remote list of size class <paramref name="index"/> of <paramref name="heap"/>, taken in one exchange
    /// (a read first, so that an empty list costs no locked instruction); null when it is empty. Any thread may take
    /// it: pushers only ever add in front of what they read.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static BlockHeader* TakeRemoteList(ThreadHeap* heap, int index)
    {
        nint* head = RemoteHead(heap, index);
        return Volatile.Read(ref *head) == 0 ? null : (BlockHeader*)Interlocked.Exchange(ref *head, 0);
    }

    /// <summary>
    /// Pushes the list <paramref name="first"/> .. <paramref name="last"/> of free blocks of <paramref name="bucket"/>
    /// onto its heap's remote list of that size class (a CAS loop; any thread).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void PushRemote(Bucket* bucket, BlockHeader* first, BlockHeader* last)
    {
        nint* head = RemoteHead(HeapOf(bucket), IndexOf(bucket));
        nint old;
        do
        {
            old = Volatile.Read(ref *head);
            last->Word = (nuint)old;
        }
        while (Interlocked.CompareExchange(ref *head, (nint)first, old) != old);
    }
}
