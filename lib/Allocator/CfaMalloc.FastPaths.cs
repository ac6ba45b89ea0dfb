using System.Runtime.CompilerServices;

namespace Workbench.Allocator;

// The fast paths of malloc, free and memalign on a given heap: a block popped from, or pushed onto, the calling
// thread's own bucket. Malloc, Free and Memalign inline them and take the slow paths when they decline; the preloaded
// library calls them directly, without a GC transition (lib/Preload/FastExports.cs), so each keeps these rules:
//   - pointer code only: no managed object, no allocation, no exception, nothing that calls out (no P/Invoke, no
//     libc function pointer, no slow path): a miss returns false, and the caller takes the slow path;
//   - it reads statics of classes whose constructors have run (every routine has been called once before);
//   - it never takes a block in checked mode: the callers test FastPathValues.Checked (Policy.Checked) first.
public static unsafe partial class CfaMalloc
{
    /// <summary>
    /// Malloc's fast path on <paramref name="heap"/> (the caller's own; null: none yet): a block of the size's bucket
    /// from its free list in <paramref name="p"/>; false when the slow path must serve (no heap, size 0, at or above
    /// <see cref="Tunables.s_fastLimit"/>, or an empty list). A bool result, not a null pointer: after inlining, the
    /// caller's test of a constant folds away, where a null test of the pointer cost a test and two jumps per call.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static bool MallocFast(ThreadHeap* heap, nuint size, out void* p)
    {
        // Sizes 1 to 128 KiB (and below the mmap threshold): see Tunables.s_fastLimit.
        // size - 1 wraps for 0, which takes the slow path (it counts zero-size calls).
        if (heap != null && size - 1 < FastPathValues.FastLimit)
        {
            Bucket* bucket = ThreadHeap.BucketOf(heap, FastPathValues.SmallBucket(size));
            if (ThreadHeap.Take(bucket, size, 0, out BlockHeader* block))
            {
                if (FastPathValues.CountsFastPaths)
                {
                    bucket->FastMallocs++;
                    bucket->FastMallocBytes += (long)size;
                }
                p = block + 1;
                return true;
            }
        }
        p = null;
        return false;
    }

    /// <summary>
    /// Free's fast path on <paramref name="heap"/>: a block of this heap's buckets onto the bucket's free list. False when
    /// the slow path must free it: null, no heap, a mapped or large block, another heap's block (in either mode: the slow
    /// path checks that its header names a bucket of this allocator), or a freed block (a double free, which the slow
    /// path reports): a plain one's word is a link, naming no bucket; an aligned one's real header carries the mark.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static bool FreeFast(ThreadHeap* heap, void* p)
    {
        if (p != null && heap != null)
        {
            // An aligned block's fake header carries the real word's bucket (or mmap bit) and the way back to
            // the real header, so one header's word decides, whichever header it is.
            BlockHeader* header = BlockHeader.Of(p);
            nuint word = header->Word;
            var bucket = (Bucket*)(word & ~(BlockHeader.ZeroFlag | BlockHeader.FakeFlag));
            // A bucket block of this heap (no mmap or large bit). A free plain block's word is a link to another block
            // (or 0), which never lies in a heap's region, so a double free of a plain block fails this test at no
            // cost here; an aligned block's fake header outlives its free, so the real header's freed mark is tested
            // on the aligned path alone.
            if ((word & (BlockHeader.MmapFlag | BlockHeader.LargeFlag)) == 0 && ThreadHeap.Owns(heap, bucket))
            {
                BlockHeader* block = header;
                if ((word & BlockHeader.FakeFlag) != 0)
                {
                    block = BlockHeader.RealOf(header, word);
                    if (block->Size == BlockHeader.Mark)
                        return false;
                }
                if (FastPathValues.CountsFastPaths)
                {
                    bucket->FastFrees++;
                    bucket->FastFreeBytes += (long)block->Size;
                }
                FreePaths.PushLocal(bucket, block);
                return true;
            }
        }
        return false;
    }

    /// <summary>
    /// Memalign's fast path on <paramref name="heap"/> for a power-of-two <paramref name="alignment"/>, in
    /// <paramref name="p"/>: for 64 and a request of at most <see cref="SizeClasses.NaturalLimit"/>, a block of its
    /// naturally aligned class, counted on the bucket's line as malloc counts (the statistics credit a naturally
    /// aligned bucket's fast takes to memalign); otherwise a block of the bucket of size + alignment, with the fake
    /// header of an aligned block. False when the slow path must serve (no heap, size 0, an overflowing or too large
    /// payload, or an empty list).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static bool MemalignFast(ThreadHeap* heap, nuint alignment, nuint size, out void* p)
    {
        if (alignment == SizeClasses.NaturalAlignment)
        {
            // MallocFast's take and count, written again: a helper shared by both, inlined into MallocFast, made the JIT
            // keep its bool result in a register and test it (DOTNET_JitDisasm of the speed benchmark's Tight loop),
            // where MallocFast's own result folds into the caller's branch.
            if (heap != null && size - 1 < SizeClasses.NaturalLimit)
            {
                Bucket* natural = ThreadHeap.BucketOf(heap, FastPathValues.NaturalBucket(size));
                if (ThreadHeap.Take(natural, size, 0, out BlockHeader* taken))
                {
                    if (FastPathValues.CountsFastPaths)
                    {
                        natural->FastMallocs++;
                        natural->FastMallocBytes += (long)size;
                    }
                    p = taken + 1;
                    return true;
                }
            }
            p = null;
            return false;
        }
        bool aligned = alignment > SizeClasses.HeaderSize;
        nuint payload = aligned ? size + alignment : size;
        // Small enough for the lookup table and a block on the bucket's free list; the general path does the same
        // layout. payload > size - 1 says both that size is not 0 (which wraps, and takes the general path, which
        // counts zero-size calls) and that size + alignment did not overflow.
        if (heap != null && payload > size - 1 && payload - 1 < FastPathValues.FastLimit)
        {
            int index = FastPathValues.SmallBucket(payload);
            Bucket* bucket = ThreadHeap.BucketOf(heap, index);
            if (ThreadHeap.Take(bucket, size, 0, out BlockHeader* block))
            {
                if (FastPathValues.CountsFastPaths)
                {
                    RoutineTally* tally = ThreadHeap.Tally(heap, Routine.Memalign);
                    tally->Calls++;
                    tally->Requested += (long)size;
                    tally->Allocated += (long)bucket->BlockSize;
                    ThreadHeap.BucketTallyOf(heap, index)->OtherTakes++;
                }
                if (!aligned)
                {
                    p = block + 1;
                    return true;
                }
                var data = (void*)(((nuint)block + 2 * (nuint)SizeClasses.HeaderSize + alignment - 1) & ~(alignment - 1));
                BlockHeader.WriteFake(data, block, (nuint)bucket, alignment);
                p = data;
                return true;
            }
        }
        p = null;
        return false;
    }
}
