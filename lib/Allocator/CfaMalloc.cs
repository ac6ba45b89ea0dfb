using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Workbench.Allocator;

/// <summary>
/// cfa-malloc (llheap), the allocator of Zulfiqar's thesis "High-Performance Concurrent Memory
/// Allocation" (University of Waterloo, 2022), over unmanaged memory from the OS: the GNU C
/// allocator interface, the thesis's extensions (sticky zero fill and alignment, resize,
/// aalloc/amemalign/cmemalign, request-size/alignment/zero-fill queries), contention-free
/// statistics and a checked (debugging) mode. See docs/allocator.md for the exact semantics.
/// </summary>
/// <remarks>
/// Every routine is thread-safe. The fast paths of <see cref="Malloc"/> and <see cref="Free"/>
/// read the thread's heap once, take no lock, execute no atomic instruction and allocate no
/// managed memory. A failing routine returns null (or an error code) and sets
/// <see cref="LastError"/>; it never throws, except in checked mode on a detected misuse.
/// The routines and every out-of-line path below them are marked <c>AggressiveOptimization</c>: the runtime
/// compiles each fully optimised at its first call (or in <see cref="Precompile"/>) rather than at tier 0 first.
/// With tiered compilation on, as in any program that does not turn it off, the slow paths otherwise stayed at
/// tier 0 through a whole in-process benchmark run (docs/allocator.md, "Compilation").
/// </remarks>
public static unsafe partial class CfaMalloc
{
    /// <summary>errno: out of memory, or a size or <c>count * size</c> that cannot be allocated.</summary>
    public const int ENOMEM = Errno.ENOMEM;

    /// <summary>errno: an invalid argument (an alignment that is not a power of two).</summary>
    public const int EINVAL = Errno.EINVAL;

    /// <summary>Mallopt option (glibc's number): trim threshold; not supported, Mallopt returns 0.</summary>
    public const int M_TRIM_THRESHOLD = -1;

    /// <summary>Mallopt option (glibc's number): bytes by which the shared area grows at a time.</summary>
    public const int M_TOP_PAD = -2;

    /// <summary>Mallopt option (glibc's number): requests of at least this size get their own mapping.</summary>
    public const int M_MMAP_THRESHOLD = -3;

    /// <summary>
    /// Mallopt option (cfa-malloc's own; glibc has none): bytes of freed large-block mappings kept
    /// for reuse, 0 to 1 GiB (0 turns the cache off and gives the cached mappings back).
    /// </summary>
    public const int M_MMAP_CACHE = -101;

    /// <summary>
    /// Mallopt option (cfa-malloc's own): bytes of a heap's bump area made resident ahead of use, 0 to 2 MiB
    /// (0 turns prefaulting off; see <see cref="AllocatorOptions.Prefault"/>).
    /// </summary>
    public const int M_PREFAULT = -102;

    /// <summary>The errno value of the calling thread's last failed call (0 if none has failed; not cleared by successes).</summary>
    public static int LastError
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => Errno.Last;
    }

    /// <summary>Whether ownership is on (blocks freed by other threads go home).</summary>
    public static bool HasOwnership => Policy.Ownership;

    /// <summary>Whether the checked (debugging) mode is on.</summary>
    public static bool IsChecked => Policy.Checked;

    /// <summary>The current mmap threshold in bytes.</summary>
    public static nuint MmapThreshold => Tunables.s_mmapThreshold;

    /// <summary>
    /// Sets the start-up options of this process. Call it before the first allocation;
    /// afterwards it throws <see cref="InvalidOperationException"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Configure(AllocatorOptions options) => AllocatorOptions.Configure(options);

    // ---------------------------------------------------------------- standard interface

    /// <summary>
    /// Allocates <paramref name="size"/> bytes aligned to 16. <c>Malloc(0)</c> returns a unique
    /// pointer that must be freed. Null with <see cref="ENOMEM"/> when memory is exhausted.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    public static void* Malloc(nuint size)
    {
        if (FastPathValues.Checked)
            return CheckedMode.Malloc(size);
        return MallocFast(CurrentHeap.Heap, size, out void* p) ? p : AllocPaths.MallocSlow(size);
    }

    /// <summary>
    /// Frees a block from any routine of this allocator, from any thread. <c>Free(null)</c>
    /// does nothing (it counts as a zero-size call).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    public static void Free(void* p)
    {
        if (FastPathValues.Checked)
        {
            CheckedMode.Free(p);
            return;
        }
        ThreadHeap* heap = CurrentHeap.Heap;
        if (!FreeFast(heap, p))
            FreePaths.FreeSlow(p, heap);
    }

    /// <summary>
    /// Allocates <paramref name="count"/> * <paramref name="size"/> zeroed bytes; the block is
    /// sticky zero-filled (realloc zeroes what it grows). <see cref="ENOMEM"/> on overflow.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    public static void* Calloc(nuint count, nuint size)
    {
        // Two factors below 2^32 (2^16 in a 32-bit process) cannot overflow; other calls take CallocSlow, which
        // checks the whole product. Not Math.BigMul: its out parameter kept the product in a stack slot, and the
        // store and reload on the way to the bucket index cost about 0.4 ns per call (commit 674c375).
        nuint bytes = count * size;
        ThreadHeap* heap = CurrentHeap.Heap;
        // The fast path of Malloc, plus the zero fill: a small request on a thread with a heap
        // and a block on the free list.
        if (!FastPathValues.Checked && ((count | size) >> (sizeof(nuint) * 4)) == 0 && heap != null && bytes - 1 < FastPathValues.FastLimit)
        {
            Bucket* bucket = ThreadHeap.BucketOf(heap, FastPathValues.SmallBucket(bytes));
            if (ThreadHeap.Take(bucket, bytes, BlockHeader.ZeroFlag, out BlockHeader* block))
            {
                if (FastPathValues.CountsFastPaths)
                {
                    bucket->FastCallocs++;
                    bucket->FastCallocBytes += (long)bytes;
                }
                BulkMemory.Clear(block + 1, bytes);
                return block + 1;
            }
        }
        return CallocSlow(count, size);
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void* CallocSlow(nuint count, nuint size)
    {
        if (!TryMultiply(count, size, out nuint bytes))
            return Errno.Fail(ENOMEM);
        return Allocated(AllocPaths.Allocate(bytes, SizeClasses.HeaderSize, true, Routine.Calloc), true);
    }

    /// <summary>
    /// Resizes a block, keeping its contents up to the smaller size, its alignment and its
    /// zero fill. In place when <c>size &lt;= usable &lt;= 2 * size</c>, and for the last block carved from the
    /// thread's bump area when the new size's bucket has no free block (docs/allocator.md). <c>Realloc(null, n)</c> is
    /// <c>Malloc(n)</c>; <c>Realloc(p, 0)</c> frees <paramref name="p"/> and returns null. On failure
    /// returns null with <see cref="ENOMEM"/> and leaves the block intact.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    public static void* Realloc(void* p, nuint size)
    {
        if (FastPathValues.Checked)
            return CheckedMode.Realloc(p, size, 0, resize: false);
        ThreadHeap* heap = CurrentHeap.Heap;
        // Fast path: a plain block of this heap (not aligned, naturally or with a fake header) and a small new size,
        // staying in place or moving to a block popped from a free list; everything else takes the general path.
        if (p != null && heap != null && size - 1 < FastPathValues.FastLimit)
        {
            BlockHeader* header = (BlockHeader*)p - 1;
            nuint word = header->Word;
            var bucket = (Bucket*)(word & ~BlockHeader.ZeroFlag);
            if ((word & (BlockHeader.FakeFlag | BlockHeader.MmapFlag | BlockHeader.LargeFlag)) == 0 && ThreadHeap.OwnsPlain(heap, bucket))
            {
                nuint usable = bucket->BlockSize - SizeClasses.HeaderSize;
                nuint oldSize = header->Size;
                bool zeroFill = (word & BlockHeader.ZeroFlag) != 0;
                RoutineTally* tally = ThreadHeap.Tally(heap, Routine.Realloc);
                if (ReallocPaths.StaysInPlace(size, usable))
                {
                    if (zeroFill && size > oldSize)
                        BulkMemory.Clear((byte*)p + oldSize, size - oldSize);
                    header->Size = size;
                    if (FastPathValues.CountsFastPaths)
                    {
                        tally->Calls++;
                        tally->Requested += (long)size;
                    }
                    return p;
                }
                int index = FastPathValues.SmallBucket(size);
                Bucket* target = ThreadHeap.BucketOf(heap, index);
                if (ThreadHeap.Take(target, size, word & BlockHeader.ZeroFlag, out BlockHeader* block))
                {
                    BulkMemory.Copy(p, block + 1, Math.Min(usable, size)); // the usable slack too (ReallocPaths.Realloc says why)
                    if (zeroFill && size > oldSize)
                        BulkMemory.Clear((byte*)(block + 1) + oldSize, size - oldSize);
                    if (FastPathValues.CountsFastPaths)
                    {
                        tally->Calls++;
                        tally->Requested += (long)size;
                        tally->Allocated += (long)target->BlockSize;
                        ThreadHeap.BucketTallyOf(heap, index)->OtherTakes++;
                        heap->InternalFreed += (long)bucket->BlockSize;
                    }
                    if (ReallocPaths.MustFreeMoved(heap, header, bucket->BlockSize, grew: size > usable))
                        FreePaths.PushLocal(bucket, header);
                    return block + 1;
                }
            }
        }
        return ReallocPaths.Realloc(p, size, 0);
    }

    /// <summary><see cref="Realloc"/> to <paramref name="count"/> * <paramref name="size"/> bytes, with overflow detection.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void* ReallocArray(void* p, nuint count, nuint size)
    {
        if (!TryMultiply(count, size, out nuint bytes))
            return Errno.Fail(ENOMEM);
        return Realloc(p, bytes);
    }

    /// <summary>
    /// Allocates <paramref name="size"/> bytes aligned to <paramref name="alignment"/> (a power
    /// of two, else <see cref="EINVAL"/>); the alignment is sticky. As in glibc, the size need
    /// not be a multiple of the alignment.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    public static void* AlignedAlloc(nuint alignment, nuint size) => Memalign(alignment, size);

    /// <summary>Allocates <paramref name="size"/> bytes aligned to <paramref name="alignment"/> (a power of two); sticky.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    public static void* Memalign(nuint alignment, nuint size)
    {
        // The heap first: the JIT then reuses the thread-static base in an inlined Free after this call, which it
        // cannot do when one path (the EINVAL return) skips the read. Reading it second cost a call to the TLS accessor
        // per aligned_alloc+free pair, 0.85 ns (5.1 against 4.2 ns per pair in a C# loop).
        ThreadHeap* heap = CurrentHeap.Heap;
        if (!BitOperations.IsPow2(alignment))
            return Errno.Fail(EINVAL);
        return !FastPathValues.Checked && MemalignFast(heap, alignment, size, out void* p)
            ? p
            : Allocated(AllocPaths.Allocate(size, alignment, false, Routine.Memalign), false);
    }

    /// <summary>
    /// Stores in <paramref name="result"/> a block of <paramref name="size"/> bytes aligned to
    /// <paramref name="alignment"/>. Returns 0, <see cref="EINVAL"/> (alignment not a power of two
    /// or not a multiple of the pointer size) or <see cref="ENOMEM"/>; on error
    /// <paramref name="result"/> is not written.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int PosixMemalign(void** result, nuint alignment, nuint size)
    {
        if (result == null || !BitOperations.IsPow2(alignment) || alignment % (nuint)sizeof(void*) != 0)
        {
            Errno.Last = EINVAL;
            return EINVAL;
        }
        void* p = Memalign(alignment, size);
        if (p == null)
            return LastError;
        *result = p;
        return 0;
    }

    /// <summary>Allocates <paramref name="size"/> bytes aligned to a page.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void* Valloc(nuint size) => Memalign(OsMemory.s_pageSize, size);

    /// <summary>Allocates <paramref name="size"/> rounded up to whole pages (at least one), page-aligned.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void* Pvalloc(nuint size)
    {
        nuint rounded = OsMemory.RoundUpToPage(size == 0 ? 1 : size);
        return rounded == 0 ? Errno.Fail(ENOMEM) : Memalign(OsMemory.s_pageSize, rounded);
    }

    /// <summary>The bytes usable from <paramref name="p"/> (at least the request size); 0 for null.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static nuint MallocUsableSize(void* p) => p == null ? 0 : BlockHeader.UsableSize(p);

    // ---------------------------------------------------------------- thesis extensions

    /// <summary>Allocates an array of <paramref name="count"/> elements of <paramref name="size"/> bytes, not zeroed.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void* Aalloc(nuint count, nuint size)
    {
        if (!TryMultiply(count, size, out nuint bytes))
            return Errno.Fail(ENOMEM);
        return Allocated(AllocPaths.Allocate(bytes, SizeClasses.HeaderSize, false, Routine.Aalloc), false);
    }

    /// <summary>
    /// Re-purposes a block for <paramref name="size"/> bytes: no copy, nothing sticky kept
    /// (alignment back to 16, zero fill off). In place when the block fits, else free + malloc.
    /// <c>Resize(null, n)</c> is <c>Malloc(n)</c>; <c>Resize(p, 0)</c> frees and returns null.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void* Resize(void* p, nuint size)
    {
        if (Policy.Checked)
            return CheckedMode.Realloc(p, size, 0, resize: true);
        return ReallocPaths.Resize(p, size, 0);
    }

    /// <summary>An aligned array, not zeroed; the alignment is sticky.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void* Amemalign(nuint alignment, nuint count, nuint size) => AlignedArray(alignment, count, size, zeroFill: false, Routine.Amemalign);

    /// <summary>An aligned, zero-filled array: both properties are sticky.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void* Cmemalign(nuint alignment, nuint count, nuint size) => AlignedArray(alignment, count, size, zeroFill: true, Routine.Cmemalign);

    /// <summary>What Amemalign and Cmemalign share: the checks of the alignment and of <c>count * size</c>, then the block.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void* AlignedArray(nuint alignment, nuint count, nuint size, bool zeroFill, Routine routine)
    {
        if (!BitOperations.IsPow2(alignment))
            return Errno.Fail(EINVAL);
        if (!TryMultiply(count, size, out nuint bytes))
            return Errno.Fail(ENOMEM);
        return Allocated(AllocPaths.Allocate(bytes, alignment, zeroFill, routine), zeroFill);
    }

    /// <summary>Resize to a new alignment: no copy, zero fill dropped, the new alignment sticky.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void* AlignedResize(void* p, nuint alignment, nuint size) => Realign(p, alignment, size, resize: true);

    /// <summary>Realloc to a new alignment: copies, keeps zero fill, the new alignment sticky.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void* AlignedRealloc(void* p, nuint alignment, nuint size) => Realign(p, alignment, size, resize: false);

    /// <summary>What AlignedResize and AlignedRealloc share: the check of the alignment, then resize or realloc.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void* Realign(void* p, nuint alignment, nuint size, bool resize)
    {
        if (!BitOperations.IsPow2(alignment))
            return Errno.Fail(EINVAL);
        if (Policy.Checked)
            return CheckedMode.Realloc(p, size, alignment, resize);
        return resize ? ReallocPaths.Resize(p, size, alignment) : ReallocPaths.Realloc(p, size, alignment);
    }

    /// <summary>The size asked for when <paramref name="p"/> was allocated or last resized; 0 for null.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static nuint MallocSize(void* p) => p == null ? 0 : BlockHeader.RealOf(p)->Size;

    /// <summary>
    /// The alignment <paramref name="p"/> was allocated with; for null, the alignment every block has by default (16),
    /// as llheap's malloc_alignment(NULL) answers.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static nuint MallocAlignment(void* p) => p == null ? SizeClasses.HeaderSize : BlockHeader.AlignmentOf(p);

    /// <summary>Whether <paramref name="p"/> is zero-filled (calloc, cmemalign, kept by realloc).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static bool MallocZeroFill(void* p) => p != null && BlockHeader.IsZeroFilled(p);

    /// <summary>
    /// Whether <paramref name="p"/> belongs to another thread's heap (a free from this thread
    /// would be a remote free). False for null and for mmap'd blocks, which belong to no heap.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static bool MallocRemote(void* p)
    {
        if (p == null)
            return false;
        BlockHeader* real = BlockHeader.RealOf(p);
        return !real->IsMapped && ThreadHeap.HeapOf(real->OwnerBucket) != CurrentHeap.Heap;
    }

    // ---------------------------------------------------------------- helpers

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool TryMultiply(nuint count, nuint size, out nuint bytes)
    {
        ulong high = Math.BigMul((ulong)count, (ulong)size, out ulong low);
        bytes = (nuint)low;
        return high == 0 && low <= SizeClasses.MaxRequest;
    }

    /// <summary>Hands a fresh block to the checked mode, when it is on.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    private static void* Allocated(void* p, bool zeroFilled)
    {
        if (FastPathValues.Checked && p != null)
            CheckedMode.Track(p, zeroFilled);
        return p;
    }
}
