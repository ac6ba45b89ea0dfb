using Workbench.Allocator.Testing;

namespace Workbench.Allocator.Tests;

/// <summary>Blocks at or above the mmap threshold, Mallopt, MallocTrim.</summary>
public unsafe class MmapAndControlTests
{
    private const int KiB = 1024;
    private const int MiB = 1024 * 1024;

    [Fact]
    public void DefaultMmapThreshold_Is512KiB()
    {
        Assert.Equal((nuint)512 * KiB, CfaMalloc.MmapThreshold);
    }

    [Theory]
    [InlineData(512 * KiB)]
    [InlineData(512 * KiB + 1)]
    [InlineData(3 * MiB + 12345)]
    [InlineData(40 * MiB)]
    public void LargeBlock_GetsItsOwnMappingAndIsUnmappedOnFree(int size) => Support.WithoutMappingCache(() =>
    {
        nuint n = (nuint)size;
        Assert.True(n >= CfaMalloc.MmapThreshold);
        var s0 = CfaMalloc.GetStatistics();
        void* p = CfaMalloc.Malloc(n);
        var s1 = CfaMalloc.GetStatistics();
        Support.NotNull(p, $"Malloc({n})");
        Assert.Equal(1, s1.MmapCalls - s0.MmapCalls);
        long mapped = s1.MmapBytes - s0.MmapBytes;
        Assert.True(mapped >= (long)n + 16, $"mapped {mapped} bytes for a request of {n}");
        Assert.True(mapped % Environment.SystemPageSize == 0, $"mapped {mapped} bytes: not whole pages");
        Assert.Equal(n, CfaMalloc.MallocSize(p));
        nuint usable = CfaMalloc.MallocUsableSize(p);
        Assert.True(usable >= n && usable <= (nuint)mapped, $"usable {usable}, request {n}, mapped {mapped}");
        Assert.Equal((nuint)16, CfaMalloc.MallocAlignment(p));
        ulong seed = Support.FillUsable(p);
        Support.AssertPattern(p, usable, seed, "mmap'd block");
        Assert.True(s1.BytesInUse - s0.BytesInUse >= (long)n, "BytesInUse must count the mmap'd block");
        CfaMalloc.Free(p);
        var s2 = CfaMalloc.GetStatistics();
        Assert.Equal(1, s2.MunmapCalls - s1.MunmapCalls);
        Assert.Equal(mapped, s2.MunmapBytes - s1.MunmapBytes);
        Assert.Equal(s0.BytesInUse, s2.BytesInUse);
    });

    [Fact]
    public void Threshold_IsInclusive_RequestsBelowItComeFromTheHeap() => Support.WithoutMappingCache(() =>
    {
        nuint t = CfaMalloc.MmapThreshold;
        void* warm = CfaMalloc.Malloc(t - 1);
        CfaMalloc.Free(warm);
        var s0 = CfaMalloc.GetStatistics();
        void* below = CfaMalloc.Malloc(t - 1);
        var s1 = CfaMalloc.GetStatistics();
        void* at = CfaMalloc.Malloc(t);
        var s2 = CfaMalloc.GetStatistics();
        Support.NotNull(below, "Malloc(threshold - 1)");
        Support.NotNull(at, "Malloc(threshold)");
        Assert.Equal(0, s1.MmapCalls - s0.MmapCalls);
        Assert.Equal(1, s2.MmapCalls - s1.MmapCalls);
        CfaMalloc.Free(below);
        CfaMalloc.Free(at);
    });

    [Fact]
    public void LargeCalloc_IsZeroAndZeroFilled_AndLargeReallocKeepsContents()
    {
        byte* p = (byte*)CfaMalloc.Calloc(3, 300 * KiB);
        Support.NotNull(p, "Calloc(3, 300 KiB)");
        Support.AssertBytes(p, 900 * KiB, 0, "large Calloc");
        Assert.True(CfaMalloc.MallocZeroFill(p));
        ulong seed = Pattern.SeedFor(p, 900 * KiB);
        Pattern.Fill(p, 900 * KiB, seed);
        byte* q = (byte*)CfaMalloc.Realloc(p, 5 * MiB);
        Support.NotNull(q, "Realloc to 5 MiB");
        Support.AssertPattern(q, 900 * KiB, seed, "large Realloc prefix");
        Support.AssertBytes(q + 900 * KiB, 5 * MiB - 900 * KiB, 0, "large Realloc tail of a zero-filled block");
        byte* r = (byte*)CfaMalloc.Realloc(q, 600 * KiB);
        Support.NotNull(r, "Realloc to 600 KiB");
        Support.AssertPattern(r, 600 * KiB, seed, "large shrink prefix");
        CfaMalloc.Free(r);
    }

    [Fact]
    public void LargeAlignedBlocks_AreAligned()
    {
        foreach (nuint a in new nuint[] { 4096, 64 * KiB, 2 * MiB })
        {
            void* p = CfaMalloc.Memalign(a, 700 * KiB);
            Support.NotNull(p, $"Memalign({a}, 700 KiB)");
            Assert.True((nuint)p % a == 0);
            Assert.Equal(a, CfaMalloc.MallocAlignment(p));
            ulong seed = Support.FillUsable(p);
            Support.AssertPattern(p, CfaMalloc.MallocUsableSize(p), seed, "large aligned block");
            CfaMalloc.Free(p);
        }
    }

    [Fact]
    public void Mallopt_MmapThreshold_ChangesWhereBlocksComeFrom()
    {
        nuint old = CfaMalloc.MmapThreshold;
        try
        {
            Assert.Equal(1, CfaMalloc.Mallopt(CfaMalloc.M_MMAP_THRESHOLD, 64 * KiB));
            Assert.Equal((nuint)64 * KiB, CfaMalloc.MmapThreshold);
            var s0 = CfaMalloc.GetStatistics();
            void* p = CfaMalloc.Malloc(64 * KiB);
            var s1 = CfaMalloc.GetStatistics();
            // A mapping: a fresh one, or a part of one the mapping cache holds.
            Assert.Equal(1, s1.MmapCalls - s0.MmapCalls + s1.MappingCacheHits - s0.MappingCacheHits);
            CfaMalloc.Free(p);

            Assert.Equal(1, CfaMalloc.Mallopt(CfaMalloc.M_MMAP_THRESHOLD, 4 * MiB));
            Assert.Equal((nuint)4 * MiB, CfaMalloc.MmapThreshold);
            void* warm = CfaMalloc.Malloc(1 * MiB);
            CfaMalloc.Free(warm);
            var s2 = CfaMalloc.GetStatistics();
            void* q = CfaMalloc.Malloc(1 * MiB);
            var s3 = CfaMalloc.GetStatistics();
            Support.NotNull(q, "Malloc(1 MiB) below a 4 MiB threshold");
            Assert.Equal(0, s3.MmapCalls - s2.MmapCalls);
            Support.FillUsable(q);
            CfaMalloc.Free(q);
        }
        finally
        {
            CfaMalloc.Mallopt(CfaMalloc.M_MMAP_THRESHOLD, (int)old);
        }
        Assert.Equal(old, CfaMalloc.MmapThreshold);
    }

    [Fact]
    public void Mallopt_RejectsOutOfRangeValuesAndUnknownOptions()
    {
        nuint old = CfaMalloc.MmapThreshold;
        Assert.Equal(-1, CfaMalloc.M_TRIM_THRESHOLD);
        Assert.Equal(-2, CfaMalloc.M_TOP_PAD);
        Assert.Equal(-3, CfaMalloc.M_MMAP_THRESHOLD);
        Assert.Equal(0, CfaMalloc.Mallopt(CfaMalloc.M_MMAP_THRESHOLD, 64 * KiB - 1));
        Assert.Equal(0, CfaMalloc.Mallopt(CfaMalloc.M_MMAP_THRESHOLD, 4 * MiB + 1));
        Assert.Equal(0, CfaMalloc.Mallopt(CfaMalloc.M_MMAP_THRESHOLD, 0));
        Assert.Equal(0, CfaMalloc.Mallopt(CfaMalloc.M_MMAP_THRESHOLD, -5));
        Assert.Equal(old, CfaMalloc.MmapThreshold);
        Assert.Equal(0, CfaMalloc.Mallopt(CfaMalloc.M_TRIM_THRESHOLD, 128 * KiB));
        Assert.Equal(0, CfaMalloc.Mallopt(12345, 1));
        Assert.Equal(0, CfaMalloc.Mallopt(0, 1));
        Assert.Equal(0, CfaMalloc.Mallopt(CfaMalloc.M_TOP_PAD, 0));
        Assert.Equal(0, CfaMalloc.Mallopt(CfaMalloc.M_TOP_PAD, -1));
        Assert.Equal(0, CfaMalloc.Mallopt(CfaMalloc.M_TOP_PAD, (1 << 30) + 1));
        // The accepted range of M_TOP_PAD, then back to the default (10 MiB).
        Assert.Equal(1, CfaMalloc.Mallopt(CfaMalloc.M_TOP_PAD, 1));
        Assert.Equal(1, CfaMalloc.Mallopt(CfaMalloc.M_TOP_PAD, 1 << 30));
        Assert.Equal(1, CfaMalloc.Mallopt(CfaMalloc.M_TOP_PAD, 10 * MiB));
    }

    [Fact]
    public void MalloptPrefault_AcceptsZeroTo2MiB_AndSetsHowFarAheadHeapsPrefault()
    {
        Assert.Equal(-102, CfaMalloc.M_PREFAULT);
        Assert.Equal(0, CfaMalloc.Mallopt(CfaMalloc.M_PREFAULT, -1));
        Assert.Equal(0, CfaMalloc.Mallopt(CfaMalloc.M_PREFAULT, 2 * MiB + 1));
        try
        {
            Assert.Equal(1, CfaMalloc.Mallopt(CfaMalloc.M_PREFAULT, 0));
            Assert.Equal((nuint)0, Tunables.s_prefault);
            Assert.Equal(1, CfaMalloc.Mallopt(CfaMalloc.M_PREFAULT, 2 * MiB));
            Assert.Equal((nuint)(2 * MiB), Tunables.s_prefault);
        }
        finally
        {
            Assert.Equal(1, CfaMalloc.Mallopt(CfaMalloc.M_PREFAULT, 64 * KiB));
        }
    }

    [Fact]
    public void ANewBumpArea_GivesBackThePagesPrefaultedPastTheOldOnesLastBlock()
    {
        Support.OnOwnThread(() =>
        {
            // A block carved from a new bump area; the 64 KiB after it are prefaulted (the default).
            ThreadHeap* heap = CurrentHeap.Heap;
            var others = new List<nint>();
            byte* block = (byte*)CarvedInANewArea(heap, 5000, 1, others)[0];
            new Span<byte>(block, 5000).Fill(0x5A);
            var unused = (byte*)OsMemory.RoundUpToPage((nuint)heap->BumpNext);
            byte* prefaulted = heap->PrefaultedEnd;
            int pages = (int)((prefaulted - unused) / Environment.SystemPageSize);
            Assert.True(pages > 0, $"nothing prefaulted past the block (prefault {Tunables.s_prefault} bytes)");
            Assert.Equal(pages, ResidentPages(unused, pages));

            // The heap moves to a new area, as when a block no longer fits: the old area's prefaulted pages go back,
            // the block before them keeps its bytes, and the new area starts with nothing prefaulted.
            Assert.True(ThreadHeap.ExtendBumpArea(heap, 4096));
            Assert.Equal(0, ResidentPages(unused, pages));
            Assert.False(new Span<byte>(block, 5000).ContainsAnyExcept((byte)0x5A));
            Assert.True(heap->PrefaultedEnd == (byte*)((nuint)heap->BumpNext & ~((nuint)Environment.SystemPageSize - 1)));
            Assert.Null(HeapInvariants.Check(heap));
            CfaMalloc.Free(block);
            others.ForEach(p => CfaMalloc.Free((void*)p));
        });
    }

    [Fact]
    public void MallocTrim_GivesBackARunOfFreeBlocks_HeadersIncluded_AndTheHeapCarvesThereAgain()
    {
        Support.OnOwnThread(() =>
        {
            // Eight 64 KiB blocks carved one after another from a new bump area: each block's header lies in the
            // page its neighbour ends in, and the last ends where the heap carves next.
            ThreadHeap* heap = CurrentHeap.Heap;
            var others = new List<nint>();
            (nint[] blocks, nuint first, nuint end) = CarvedRun(heap, others);
            others.ForEach(p => CfaMalloc.Free((void*)p));
            foreach (nint p in blocks)
                Pattern.FillByte((void*)p, 64 * KiB, 0x3C);
            Assert.Equal(end, (nuint)heap->BumpNext);
            foreach (nint p in blocks)
                CfaMalloc.Free((void*)p);
            int index = SizeClasses.Bucket(64 * KiB);

            Assert.True(CfaMalloc.MallocTrim(0) == 1);
            // Every page from the first block's data to the last block's end is given back, the pages that hold the
            // headers of blocks 2 to 8 with the others: trimming inside the blocks kept those 7.
            var from = (byte*)OsMemory.RoundUpToPage((nuint)blocks[0]);
            var to = (byte*)(end & ~((nuint)Environment.SystemPageSize - 1));
            int pages = (int)((to - from) / Environment.SystemPageSize);
            Assert.Equal(0, ResidentPages(from, pages));
            Assert.True(ThreadHeap.BucketOf(heap, index)->FreeList == null, "the free list still holds a block");
            // The run ended where the heap carves next: the bump area starts at the run's start again.
            Assert.True((nuint)heap->BumpNext <= first && (nuint)heap->BumpEnd >= end,
                $"the bump area [0x{(ulong)heap->BumpNext:x}, 0x{(ulong)heap->BumpEnd:x}) does not hold the run [0x{(ulong)first:x}, 0x{(ulong)end:x})");
            Assert.Null(HeapInvariants.Check(heap));

            // Mallocs of the size are carved there again, one after another, whole and writable.
            var start = (nuint)heap->BumpNext;
            var again = new List<nint>();
            for (int i = 0; i < blocks.Length; i++)
            {
                void* p = CfaMalloc.Malloc(64 * KiB);
                Support.NotNull(p, "Malloc after trim");
                Assert.Equal(start + (nuint)i * RunBlockBytes + 16, (nuint)p);
                ulong seed = Support.FillUsable(p);
                Support.AssertPattern(p, CfaMalloc.MallocUsableSize(p), seed, "a block carved again where the trim gave pages back");
                again.Add((nint)p);
            }
            Assert.Null(HeapInvariants.Check(heap));
            foreach (nint p in again)
                CfaMalloc.Free((void*)p);
        });
    }

    [Fact]
    public void MallocTrim_KeepsARunLeftBehindAsAnExtent_ThatANewBumpAreaTakes_ForBlocksOfAnotherSize()
    {
        Support.OnOwnThread(() =>
        {
            // Eight 64 KiB blocks carved from a new bump area, which the heap then leaves for another: once they are
            // freed and trimmed, their range is an extent of the heap's, and the heap's next bump areas take its
            // extents, in address order, before the shared area grows; blocks of 1,000 bytes are carved from it.
            ThreadHeap* heap = CurrentHeap.Heap;
            var others = new List<nint>();
            (nint[] blocks, nuint first, nuint end) = CarvedRun(heap, others);
            Assert.True(ThreadHeap.ExtendBumpArea(heap, 4096));
            Assert.True((nuint)heap->BumpNext >= end || (nuint)heap->BumpEnd <= first, "the new bump area overlaps the blocks");
            others.ForEach(p => CfaMalloc.Free((void*)p));
            foreach (nint p in blocks)
                CfaMalloc.Free((void*)p);

            Assert.True(CfaMalloc.MallocTrim(0) == 1);
            Assert.True(TrimmedExtents.Holds(heap, first, end), "no extent holds the trimmed run");
            Assert.True(TrimmedExtents.Bytes(heap) >= end - first);
            Assert.Null(HeapInvariants.Check(heap));

            // Each new bump area takes one extent (the first that fits); within as many as the heap has, one is ours.
            nuint small = SizeClasses.BlockSize(SizeClasses.Bucket(1000));
            for (int taken = 0; !((nuint)heap->BumpNext <= first && (nuint)heap->BumpEnd >= end); taken++)
            {
                Assert.True(taken < 1000, "the heap's bump areas never took the extent");
                Assert.True(ThreadHeap.ExtendBumpArea(heap, small));
            }
            var start = (nuint)heap->BumpNext;
            Assert.Null(HeapInvariants.Check(heap));
            var again = new List<(nint P, ulong Seed)>();
            int index = SizeClasses.Bucket(1000);
            while (ThreadHeap.BucketOf(heap, index)->FreeList != null)
                again.Add(((nint)CfaMalloc.Malloc(1000), 0));
            int before = again.Count;
            for (int i = 0; i < 64; i++)
            {
                void* p = CfaMalloc.Malloc(1000);
                Support.NotNull(p, "Malloc from the extent");
                Assert.Equal(start + (nuint)i * small + 16, (nuint)p);
                again.Add(((nint)p, Support.FillUsable(p)));
            }
            foreach ((nint p, ulong seed) in again.Skip(before))
                Support.AssertPattern((void*)p, CfaMalloc.MallocUsableSize((void*)p), seed, "a block of another size carved from the extent");
            Assert.Null(HeapInvariants.Check(heap));
            foreach ((nint p, _) in again)
                CfaMalloc.Free((void*)p);
        });
    }

    [Fact]
    public void MallocTrim_TrimsTheHeapsOfExitedThreads_FreedAcrossThreads_AndNewThreadsReuseThemIntact()
    {
        // Four threads allocate blocks of 4 KiB to 256 KiB, hand half of them to the next thread, which frees them (remote
        // frees), free the rest and exit; this thread trims (their heaps are pooled now); four new threads then
        // allocate the same sizes, fill and check them. Every heap stays sound throughout.
        const int Threads = 4, Blocks = 64;
        var handed = new nint[Threads][];
        using var barrier = new Barrier(Threads);
        Exception? failure = null;
        void Run(Action<int> body)
        {
            var threads = Enumerable.Range(0, Threads).Select(t => new Thread(() =>
            {
                try { body(t); }
                catch (Exception e) { failure ??= e; }
            })).ToList();
            threads.ForEach(t => t.Start());
            threads.ForEach(t => t.Join());
            if (failure is not null)
                throw failure;
        }
        Run(t =>
        {
            var mine = new nint[Blocks];
            for (int i = 0; i < Blocks; i++)
            {
                nuint size = (nuint)(4 * KiB) << (i % 7);
                mine[i] = (nint)CfaMalloc.Malloc(size);
                Pattern.FillByte((void*)mine[i], size, (byte)t);
            }
            handed[t] = mine[..(Blocks / 2)];
            barrier.SignalAndWait();
            foreach (nint p in handed[(t + 1) % Threads])
                CfaMalloc.Free((void*)p);
            foreach (nint p in mine[(Blocks / 2)..])
                CfaMalloc.Free((void*)p);
        });
        var s0 = CfaMalloc.GetStatistics();
        Assert.True(CfaMalloc.MallocTrim(0) == 1);
        Assert.True(CfaMalloc.GetStatistics().TrimBytes - s0.TrimBytes >= Threads * Blocks / 2 * 4 * KiB);
        Run(t =>
        {
            var again = new List<(nint P, ulong Seed)>();
            for (int i = 0; i < 2 * Blocks; i++)
            {
                void* p = CfaMalloc.Malloc((nuint)(4 * KiB) << (i % 7));
                Support.NotNull(p, "Malloc after trim");
                again.Add(((nint)p, Support.FillUsable(p)));
            }
            Assert.Null(HeapInvariants.Check(CurrentHeap.Heap));
            foreach (var (p, seed) in again)
            {
                Support.AssertPattern((void*)p, CfaMalloc.MallocUsableSize((void*)p), seed, "a block allocated after the trim");
                CfaMalloc.Free((void*)p);
            }
        });
    }

    [Fact]
    public void MallocTrim_GivesBackThePagesOfSmallFreeBlocks_AndThePageWhereAnAreaWasLeft_ButNotALiveBlocksPage()
    {
        Support.OnOwnThread(() =>
        {
            // Blocks of five small sizes carved one after another from a new bump area, then the area left in the
            // middle of a page (the heap marks where); every block is freed but one in the middle.
            nuint[] sizes = [24, 48, 100, 200, 1000];
            ThreadHeap* heap = CurrentHeap.Heap;
            NewAreaFromTheSharedArea(heap);
            nuint start = (nuint)heap->BumpNext, end = (nuint)heap->BumpEnd;
            var carved = new List<nint>();
            var others = new List<nint>();
            for (int i = 0; carved.Count < 3000 || ((nuint)heap->BumpNext & (Support.Page - 1)) == 0; i++)
            {
                var p = (nint)CfaMalloc.Malloc(sizes[i % sizes.Length]);
                Support.NotNull((void*)p, "Malloc");
                ((nuint)p >= start && (nuint)p < end ? carved : others).Add(p);
                Assert.True(others.Count < 1_000_000, "a million mallocs carved nothing from the new bump area");
            }
            var left = (nuint)heap->BumpNext;
            Assert.True(left - start > 64 * Support.Page, $"only {left - start} bytes carved");
            Assert.True(ThreadHeap.ExtendBumpArea(heap, 4096));
            nint live = carved[carved.Count / 2];
            ulong seed = Support.FillUsable((void*)live);
            foreach (nint p in carved)
            {
                if (p != live)
                    CfaMalloc.Free((void*)p);
            }
            others.ForEach(p => CfaMalloc.Free((void*)p));

            Assert.True(CfaMalloc.MallocTrim(0) == 1);
            // Every page of the area from its start up to the live block's header page is given back, and every page
            // after the live block's end up to and with the page where the heap left the area (blocks freed by refills
            // of these sizes are free too, so nothing else lies there).
            nuint liveHeader = (nuint)live - 16, liveEnd = (nuint)live + CfaMalloc.MallocUsableSize((void*)live);
            int before = (int)(((liveHeader & ~(Support.Page - 1)) - start) / Support.Page);
            var after = (byte*)OsMemory.RoundUpToPage(liveEnd);
            int afterPages = (int)((OsMemory.RoundUpToPage(left) - (nuint)after) / Support.Page);
            Assert.True(before > 8 && afterPages > 8, $"{before} and {afterPages} pages around the live block");
            Assert.Equal(0, ResidentPages((byte*)start, before));
            Assert.Equal(0, ResidentPages(after, afterPages));
            // The blocks whose headers lay in the pages given back are off their lists, in the heap's extents.
            Assert.True(TrimmedExtents.Holds(heap, start, liveHeader & ~(Support.Page - 1)), "no extent holds the run before the live block");
            Assert.True(TrimmedExtents.Holds(heap, (nuint)after + 1024, left), "no extent holds the run after the live block");
            Support.AssertPattern((void*)live, CfaMalloc.MallocUsableSize((void*)live), seed, "the live block beside the given-back pages");
            Assert.Null(HeapInvariants.Check(heap));

            // Mallocs of the sizes take the free blocks back and carve from the extents, whole and writable.
            var again = new List<(nint P, ulong Seed)>();
            for (int i = 0; i < 2 * carved.Count; i++)
            {
                void* p = CfaMalloc.Malloc(sizes[i % sizes.Length]);
                Support.NotNull(p, "Malloc after trim");
                again.Add(((nint)p, Support.FillUsable(p)));
            }
            foreach ((nint p, ulong s) in again)
            {
                Support.AssertPattern((void*)p, CfaMalloc.MallocUsableSize((void*)p), s, "a block taken after the trim");
                CfaMalloc.Free((void*)p);
            }
            Support.AssertPattern((void*)live, CfaMalloc.MallocUsableSize((void*)live), seed, "the live block");
            CfaMalloc.Free((void*)live);
            Assert.Null(HeapInvariants.Check(heap));
        });
    }

    /// <summary>The block size of the 64 KiB class, whose blocks <see cref="CarvedRun"/> carves.</summary>
    private static nuint RunBlockBytes => SizeClasses.BlockSize(SizeClasses.Bucket(64 * KiB));

    /// <summary>
    /// Eight 64 KiB blocks carved one after another from a new bump area of <paramref name="heap"/> (checked to lie next
    /// to each other), and the range their blocks cover, headers included.
    /// </summary>
    private static (nint[] Blocks, nuint First, nuint End) CarvedRun(ThreadHeap* heap, List<nint> others)
    {
        nint[] blocks = CarvedInANewArea(heap, 64 * KiB, 8, others);
        for (int i = 1; i < blocks.Length; i++)
            Assert.Equal((nuint)blocks[i - 1] + RunBlockBytes, (nuint)blocks[i]);
        return (blocks, (nuint)blocks[0] - 16, (nuint)blocks[^1] - 16 + RunBlockBytes);
    }

    /// <summary>
    /// Gives <paramref name="heap"/> a new bump area from the shared area (page-aligned, at least 2 MiB): its trimmed
    /// extents, which new bump areas take first, are used up before (each new area takes one).
    /// </summary>
    private static void NewAreaFromTheSharedArea(ThreadHeap* heap)
    {
        for (int i = 0; heap->Extents != null; i++)
        {
            Assert.True(i < 100_000, "the heap's extents were never used up");
            Assert.True(ThreadHeap.ExtendBumpArea(heap, 16));
        }
        Assert.True(ThreadHeap.ExtendBumpArea(heap, 4096));
        Assert.Equal(0u, (uint)((nuint)heap->BumpNext % (nuint)Environment.SystemPageSize));
    }

    /// <summary>
    /// <paramref name="count"/> blocks of <paramref name="size"/> carved one after another from a new bump area of
    /// <paramref name="heap"/>, this thread's. A pooled heap may hold free blocks of the size: mallocs take
    /// those first, and they go to <paramref name="others"/>, for the caller to free.
    /// </summary>
    private static nint[] CarvedInANewArea(ThreadHeap* heap, nuint size, int count, List<nint> others)
    {
        NewAreaFromTheSharedArea(heap);
        nuint start = (nuint)heap->BumpNext, end = (nuint)heap->BumpEnd;
        var carved = new List<nint>();
        while (carved.Count < count)
        {
            var p = (nint)CfaMalloc.Malloc(size);
            Support.NotNull((void*)p, "Malloc");
            ((nuint)p >= start && (nuint)p < end ? carved : others).Add(p);
            Assert.True(others.Count < 1_000_000, "a million mallocs carved nothing from the new bump area");
        }
        return [.. carved];
    }

    /// <summary>How many of the <paramref name="pages"/> pages from <paramref name="start"/> are resident (mincore; the probe's).</summary>
    private static int ResidentPages(byte* start, int pages) => Workbench.Allocator.Probe.PageResidency.ResidentPages((nuint)start, pages);

    [Fact]
    public void MallocTrim_ReleasesWholePagesOfFreeBlocksAndHonoursThePad() => Support.WithoutMappingCache(() =>
    {
        // Free blocks with whole pages inside them, in this thread's heap.
        const int N = 48;
        var blocks = new nint[N];
        for (int i = 0; i < N; i++)
        {
            blocks[i] = (nint)CfaMalloc.Malloc(64 * KiB);
            Pattern.FillByte((void*)blocks[i], 64 * KiB, 0x5F);
        }
        foreach (nint p in blocks)
            CfaMalloc.Free((void*)p);

        var s0 = CfaMalloc.GetStatistics();
        Assert.Equal(0, CfaMalloc.MallocTrim(nuint.MaxValue / 2));
        var s1 = CfaMalloc.GetStatistics();
        Assert.Equal(0, s1.TrimBytes - s0.TrimBytes);

        Assert.Equal(1, CfaMalloc.MallocTrim(0));
        var s2 = CfaMalloc.GetStatistics();
        Assert.True(s2.TrimCalls - s1.TrimCalls >= 1, "MallocTrim(0) released memory but counted no trim call");
        long trimmed = s2.TrimBytes - s1.TrimBytes;
        Assert.True(trimmed >= Environment.SystemPageSize, $"trimmed {trimmed} bytes");
        Assert.True(trimmed % Environment.SystemPageSize == 0, $"trimmed {trimmed} bytes: not whole pages");

        // Trimmed blocks are still good blocks.
        var again = new List<(nint P, ulong Seed)>();
        for (int i = 0; i < N; i++)
        {
            void* p = CfaMalloc.Malloc(64 * KiB);
            Support.NotNull(p, "Malloc after trim");
            again.Add(((nint)p, Support.FillUsable(p)));
        }
        foreach (var (p, seed) in again)
        {
            Support.AssertPattern((void*)p, CfaMalloc.MallocUsableSize((void*)p), seed, "block reused after trim");
            CfaMalloc.Free((void*)p);
        }
    });
    [Theory]
    [InlineData(16)]
    [InlineData(4096)]
    [InlineData(64 * KiB)]
    [InlineData(2 * MiB)]
    public void LargeRealloc_GrowingAndShrinkingMappedBlocks_KeepsContentsAndAlignment(int alignment)
    {
        nuint a = (nuint)alignment;
        nuint size = 700 * KiB;
        byte* p = (byte*)CfaMalloc.Memalign(a, size);
        Support.NotNull(p, $"Memalign({a}, 700 KiB)");
        foreach (nuint next in new nuint[] { 3 * MiB, 9 * MiB, 5 * MiB, 33 * MiB, 600 * KiB, 2 * MiB })
        {
            ulong seed = Pattern.SeedFor(p, size);
            Pattern.Fill(p, size, seed);
            byte* q = (byte*)CfaMalloc.Realloc(p, next);
            Support.NotNull(q, $"Realloc({size} -> {next})");
            Assert.True((nuint)q % a == 0, $"Realloc({size} -> {next}) of a block aligned to {a}: 0x{(nint)q:x}");
            Assert.Equal(a, CfaMalloc.MallocAlignment(q));
            Assert.Equal(next, CfaMalloc.MallocSize(q));
            Assert.True(CfaMalloc.MallocUsableSize(q) >= next);
            Support.AssertPattern(q, Math.Min(size, next), seed, $"prefix after Realloc({size} -> {next})");
            p = q;
            size = next;
        }
        ulong last = Support.FillUsable(p);
        Support.AssertPattern(p, CfaMalloc.MallocUsableSize(p), last, "final block");
        CfaMalloc.Free(p);
    }

    // 800 KiB -> 500 KiB stays in place by the thesis's rule (usable <= 2 * new size); 1 MiB -> 200 KiB stays in place
    // because a mapped block shrinking by more than half keeps its address and gives its mapping's tail away. Both
    // leave dirty bytes past the new size in the block.
    [Theory]
    [InlineData(800, 500)]
    [InlineData(1024, 200)]
    public void LargeZeroFilledRealloc_GrowingAfterAnInPlaceShrink_ZeroesFromTheRequestSize(int fromKiB, int toKiB)
    {
        nuint from = (nuint)fromKiB * KiB, kept = (nuint)toKiB * KiB;
        byte* p = (byte*)CfaMalloc.Calloc(1, from);
        Support.NotNull(p, $"Calloc(1, {fromKiB} KiB)");
        Pattern.FillByte(p, CfaMalloc.MallocUsableSize(p), 0x99);
        byte* q = (byte*)CfaMalloc.Realloc(p, kept);
        Assert.True(q == p, $"Realloc({fromKiB} KiB -> {toKiB} KiB) must stay in place");
        Assert.True(CfaMalloc.MallocZeroFill(q));
        foreach (nuint next in new nuint[] { 700 * KiB, 3 * MiB, 12 * MiB })
        {
            nuint before = CfaMalloc.MallocSize(q);
            byte* r = (byte*)CfaMalloc.Realloc(q, next);
            Support.NotNull(r, $"Realloc(-> {next})");
            Assert.True(CfaMalloc.MallocZeroFill(r));
            Support.AssertBytes(r, kept, 0x99, "kept prefix");
            Support.AssertBytes(r + before, next - before, 0, $"grown tail {before} -> {next} of a zero-filled block");
            Support.AssertBytes(r + kept, next - kept, 0, "zero part");
            // Dirty the slack again, so the next growth has to zero it.
            Pattern.FillByte(r + next, CfaMalloc.MallocUsableSize(r) - next, 0x99);
            q = r;
        }
        CfaMalloc.Free(q);
    }
    [Theory]
    [InlineData(0)]
    [InlineData(64 * KiB)]
    [InlineData(1 * MiB)]
    public void EveryAllocatingRoutine_MapsARequestAtTheThreshold(int threshold) => Support.WithoutMappingCache(() =>
    {
        nuint old = CfaMalloc.MmapThreshold;
        if (threshold != 0)
            Assert.Equal(1, CfaMalloc.Mallopt(CfaMalloc.M_MMAP_THRESHOLD, threshold));
        try
        {
            nuint t = CfaMalloc.MmapThreshold;
            var calls = new (string Name, Func<nint> Call)[]
            {
                ("Malloc", () => (nint)CfaMalloc.Malloc(t)),
                ("Calloc", () => (nint)CfaMalloc.Calloc(1, t)),
                ("Aalloc", () => (nint)CfaMalloc.Aalloc(t / 16, 16)),
                ("Realloc(null)", () => (nint)CfaMalloc.Realloc(null, t)),
                ("Memalign", () => (nint)CfaMalloc.Memalign(64, t)),
                ("AlignedAlloc", () => (nint)CfaMalloc.AlignedAlloc(64, t)),
                ("Valloc", () => (nint)CfaMalloc.Valloc(t)),
                ("Amemalign", () => (nint)CfaMalloc.Amemalign(64, t / 16, 16)),
                ("Cmemalign", () => (nint)CfaMalloc.Cmemalign(64, t / 16, 16)),
            };
            var failures = new List<string>();
            foreach (var (name, call) in calls)
            {
                // A free block of the same size is waiting in the heap: it must not be used.
                CfaMalloc.Free(CfaMalloc.Malloc(t - 1));
                var s0 = CfaMalloc.GetStatistics();
                nint p = call();
                var s1 = CfaMalloc.GetStatistics();
                Assert.True(p != 0, $"{name}({t}) returned null");
                if (s1.MmapCalls - s0.MmapCalls != 1)
                    failures.Add($"{name} of {t} bytes (threshold {t}) made {s1.MmapCalls - s0.MmapCalls} mmap calls");
                CfaMalloc.Free((void*)p);
            }
            Assert.True(failures.Count == 0, string.Join("\n", failures));
        }
        finally
        {
            CfaMalloc.Mallopt(CfaMalloc.M_MMAP_THRESHOLD, (int)old);
        }
    });

    // ---------------------------------------------------------------- the mapping cache

    [Fact]
    public void FreedMapping_IsKeptAndReusedByTheNextRequestThatFits_AndTrimGivesItBack()
    {
        CfaMalloc.MallocTrim(0); // an empty cache to start from
        var s0 = CfaMalloc.GetStatistics();
        Assert.Equal(0, s0.MappingCacheBytes);
        byte* p = (byte*)CfaMalloc.Malloc(900 * KiB);
        Support.NotNull(p, "Malloc(900 KiB)");
        Pattern.FillByte(p, 900 * KiB, 0x6B);
        var s1 = CfaMalloc.GetStatistics();
        Assert.Equal(1, s1.MmapCalls - s0.MmapCalls);
        long mapped = s1.MmapBytes - s0.MmapBytes;

        CfaMalloc.Free(p);
        var s2 = CfaMalloc.GetStatistics();
        Assert.Equal(0, s2.MunmapCalls - s1.MunmapCalls);
        Assert.Equal(mapped, s2.MappingCacheBytes);

        nuint page = (nuint)Environment.SystemPageSize;
        static long Pages(nuint bytes, nuint page) => (long)((bytes + page - 1) / page * page);

        // 600 KiB fits the kept mapping: it takes the mapping's first pages, with no new mapping, and the rest (more than
        // MappingCache.MinRemainder) stays cached.
        byte* q = (byte*)CfaMalloc.Malloc(600 * KiB);
        var s3 = CfaMalloc.GetStatistics();
        Assert.True(q == p, "the next request that fits reuses the freed mapping, from its start");
        Assert.Equal(0, s3.MmapCalls - s2.MmapCalls);
        Assert.Equal(1, s3.MappingCacheHits - s2.MappingCacheHits);
        Assert.Equal(mapped - Pages(600 * KiB + 16, page), s3.MappingCacheBytes);
        Assert.Equal((nuint)600 * KiB, CfaMalloc.MallocSize(q));
        Assert.True(CfaMalloc.MallocUsableSize(q) >= 600 * KiB && CfaMalloc.MallocUsableSize(q) < 600 * KiB + page);
        ulong seed = Support.FillUsable(q);
        Support.AssertPattern(q, CfaMalloc.MallocUsableSize(q), seed, "block in a reused mapping");
        // Freed, it joins the rest again: the whole mapping is cached.
        CfaMalloc.Free(q);
        Assert.Equal(mapped, CfaMalloc.GetStatistics().MappingCacheBytes);

        // A request too large for every kept range maps anew.
        var s4 = CfaMalloc.GetStatistics();
        byte* big = (byte*)CfaMalloc.Malloc(3 * MiB);
        var s5 = CfaMalloc.GetStatistics();
        Assert.True(big != p, "a 3 MiB request cannot use a 900 KiB mapping");
        Assert.Equal(1, s5.MmapCalls - s4.MmapCalls);
        Support.FillUsable(big);
        CfaMalloc.Free(big);
        // A 1 MiB request takes a part of a kept range (the smallest that holds it), and leaves the rest cached.
        var s5a = CfaMalloc.GetStatistics();
        byte* third = (byte*)CfaMalloc.Malloc(1 * MiB);
        var s5b = CfaMalloc.GetStatistics();
        Assert.Equal(0, s5b.MmapCalls - s5a.MmapCalls);
        Assert.Equal(s5a.MappingCacheBytes - Pages(1 * MiB + 16, page), s5b.MappingCacheBytes);
        seed = Support.FillUsable(third);
        Support.AssertPattern(third, CfaMalloc.MallocUsableSize(third), seed, "a part of a kept range");
        CfaMalloc.Free(third);

        // MallocTrim gives every kept mapping back.
        var s6 = CfaMalloc.GetStatistics();
        Assert.True(s6.MappingCacheBytes >= mapped, $"the cache holds {s6.MappingCacheBytes} bytes");
        Assert.Equal(1, CfaMalloc.MallocTrim(0));
        var s7 = CfaMalloc.GetStatistics();
        Assert.Equal(0, s7.MappingCacheBytes);
        Assert.True(s7.MunmapBytes - s6.MunmapBytes >= s6.MappingCacheBytes, "trim unmapped what the cache held");
        Assert.Equal(s7.MmapBytes - s7.MunmapBytes, s6.MmapBytes - s6.MunmapBytes - s6.MappingCacheBytes);
    }

    [Fact]
    public void LargeBlock_ShrinkingByMoreThanHalf_StaysInPlace_AndItsPiecesComeBackWholeWhenFreed()
    {
        CfaMalloc.MallocTrim(0); // an empty cache to start from
        nuint page = (nuint)Environment.SystemPageSize;
        static nuint Pages(nuint bytes, nuint page) => (bytes + page - 1) / page * page;
        var s0 = CfaMalloc.GetStatistics();
        byte* p = (byte*)CfaMalloc.Malloc(1 * MiB);
        Support.NotNull(p, "Malloc(1 MiB)");
        ulong seed = Pattern.SeedFor(p, 1 * MiB);
        Pattern.Fill(p, 1 * MiB, seed);
        var s1 = CfaMalloc.GetStatistics();
        long mapped = s1.MmapBytes - s0.MmapBytes;
        Assert.Equal((long)Pages(1 * MiB + 16, page), mapped);

        // 1 MiB -> 300 KiB would waste more than half the block: the mapping keeps the pages 300 KiB needs and gives
        // the rest to the cache, with no copy and no system call.
        byte* q = (byte*)CfaMalloc.Realloc(p, 300 * KiB);
        Assert.True(q == p, "Realloc(1 MiB -> 300 KiB) of a mapped block must stay in place");
        Support.AssertPattern(q, 300 * KiB, seed, "prefix after the shrink");
        nuint kept = Pages(300 * KiB + 16, page);
        Assert.Equal(kept - 16, CfaMalloc.MallocUsableSize(q));
        var s2 = CfaMalloc.GetStatistics();
        Assert.Equal(0, s2.MmapCalls - s1.MmapCalls);
        Assert.Equal(0, s2.MunmapCalls - s1.MunmapCalls);
        Assert.Equal(mapped - (long)kept, s2.MappingCacheBytes);
        Assert.Equal(s1.BytesInUse - (mapped - (long)kept), s2.BytesInUse);

        // 300 KiB -> 100 KiB (still at least an eighth of the threshold): the new tail joins the cached one.
        byte* r = (byte*)CfaMalloc.Realloc(q, 100 * KiB);
        Assert.True(r == p, "Realloc(300 KiB -> 100 KiB) of a mapped block must stay in place");
        Support.AssertPattern(r, 100 * KiB, seed, "prefix after the second shrink");
        nuint kept2 = Pages(100 * KiB + 16, page);
        var s3 = CfaMalloc.GetStatistics();
        Assert.Equal(mapped - (long)kept2, s3.MappingCacheBytes);

        // Freed, the block's pages join the cached tail into the whole mapping again, which a 1 MiB request takes.
        CfaMalloc.Free(r);
        var s4 = CfaMalloc.GetStatistics();
        Assert.Equal(mapped, s4.MappingCacheBytes);
        Assert.Equal(s0.BytesInUse, s4.BytesInUse);
        byte* again = (byte*)CfaMalloc.Malloc(1 * MiB);
        var s5 = CfaMalloc.GetStatistics();
        Assert.True(again == p, "the joined pieces must serve a 1 MiB request as one mapping");
        Assert.Equal(0, s5.MmapCalls - s4.MmapCalls);
        Assert.Equal(1, s5.MappingCacheHits - s4.MappingCacheHits);
        Assert.Equal(0, s5.MappingCacheBytes);
        ulong seed2 = Support.FillUsable(again);
        Support.AssertPattern(again, CfaMalloc.MallocUsableSize(again), seed2, "the whole mapping, reused");

        // Below an eighth of the threshold a bucket serves the block: it moves, with its contents.
        byte* small = (byte*)CfaMalloc.Realloc(again, 16 * KiB);
        Assert.True(small != again, "Realloc(1 MiB -> 16 KiB) moves to a bucket");
        Support.AssertPattern(small, 16 * KiB, seed2, "prefix moved to a bucket");
        Assert.True(CfaMalloc.MallocUsableSize(small) < 64 * KiB);
        CfaMalloc.Free(small);
        CfaMalloc.MallocTrim(0);
    }

    [Fact]
    public void LargeBlock_ShrinkingWithoutTheCache_UnmapsItsTail() => Support.WithoutMappingCache(() =>
    {
        nuint page = (nuint)Environment.SystemPageSize;
        byte* p = (byte*)CfaMalloc.Malloc(2 * MiB);
        Support.NotNull(p, "Malloc(2 MiB)");
        ulong seed = Pattern.SeedFor(p, 2 * MiB);
        Pattern.Fill(p, 2 * MiB, seed);
        nuint mapped = (2 * MiB + 16 + page - 1) / page * page;
        nuint kept = (700 * KiB + 16 + page - 1) / page * page;
        var s1 = CfaMalloc.GetStatistics();
        byte* q = (byte*)CfaMalloc.Realloc(p, 700 * KiB);
        var s2 = CfaMalloc.GetStatistics();
        Assert.True(q == p, "Realloc(2 MiB -> 700 KiB) of a mapped block must stay in place");
        Support.AssertPattern(q, 700 * KiB, seed, "prefix after the shrink");
        Assert.Equal(1, s2.MunmapCalls - s1.MunmapCalls);
        Assert.Equal((long)(mapped - kept), s2.MunmapBytes - s1.MunmapBytes);
        Assert.Equal(0, s2.MappingCacheBytes);
        // The block still works whole: write all of it, grow it again, free it.
        ulong seed2 = Support.FillUsable(q);
        Support.AssertPattern(q, CfaMalloc.MallocUsableSize(q), seed2, "the shrunk block");
        byte* r = (byte*)CfaMalloc.Realloc(q, 3 * MiB);
        Support.NotNull(r, "Realloc(700 KiB -> 3 MiB)");
        Support.AssertPattern(r, 700 * KiB, seed2, "prefix after growing again");
        CfaMalloc.Free(r);
    });

    [Fact]
    public void ZeroFilledRequests_InAReusedDirtyMapping_ReadAsZeros()
    {
        CfaMalloc.MallocTrim(0);
        byte* p = (byte*)CfaMalloc.Malloc(2 * MiB);
        Support.NotNull(p, "Malloc(2 MiB)");
        Pattern.FillByte(p, CfaMalloc.MallocUsableSize(p), 0xEE);
        CfaMalloc.Free(p);
        var s0 = CfaMalloc.GetStatistics();
        byte* z = (byte*)CfaMalloc.Calloc(3, 500 * KiB);
        var s1 = CfaMalloc.GetStatistics();
        Assert.True(z == p, "Calloc reused the dirty mapping");
        Assert.Equal(1, s1.MappingCacheHits - s0.MappingCacheHits);
        Support.AssertBytes(z, 1500 * KiB, 0, "Calloc in a reused mapping");
        Assert.True(CfaMalloc.MallocZeroFill(z));
        CfaMalloc.Free(z);
        byte* c = (byte*)CfaMalloc.Cmemalign(4096, 1, 1900 * KiB);
        Support.NotNull(c, "Cmemalign(4096, 1900 KiB)");
        Assert.True((nuint)c % 4096 == 0);
        Support.AssertBytes(c, 1900 * KiB, 0, "Cmemalign in a reused mapping");
        CfaMalloc.Free(c);
    }

    [Fact]
    public void MappingCache_KeepsAtMostItsSize_AndMalloptSetsIt()
    {
        CfaMalloc.MallocTrim(0);
        try
        {
            Assert.Equal(0, CfaMalloc.Mallopt(CfaMalloc.M_MMAP_CACHE, -1));
            Assert.Equal(0, CfaMalloc.Mallopt(CfaMalloc.M_MMAP_CACHE, (1 << 30) + 1));
            Assert.Equal(1, CfaMalloc.Mallopt(CfaMalloc.M_MMAP_CACHE, 8 * MiB));
            // Mappings larger than half the cache are not kept.
            var s0 = CfaMalloc.GetStatistics();
            CfaMalloc.Free(CfaMalloc.Malloc(5 * MiB));
            var s1 = CfaMalloc.GetStatistics();
            Assert.Equal(0, s1.MappingCacheBytes);
            Assert.Equal(1, s1.MunmapCalls - s0.MunmapCalls);
            // Ten freed 1 MiB blocks: the cache keeps what fits in 8 MiB, the oldest go back.
            var blocks = new nint[10];
            for (int i = 0; i < blocks.Length; i++)
                blocks[i] = (nint)CfaMalloc.Malloc(1 * MiB);
            foreach (nint b in blocks)
                CfaMalloc.Free((void*)b);
            var s2 = CfaMalloc.GetStatistics();
            Assert.True(s2.MappingCacheBytes > 4 * MiB && s2.MappingCacheBytes <= 8 * MiB, $"the cache holds {s2.MappingCacheBytes} bytes");
            Assert.Equal(s2.MmapBytes - s1.MmapBytes - s2.MappingCacheBytes, s2.MunmapBytes - s1.MunmapBytes);
            // Turning it off gives everything back.
            Assert.Equal(1, CfaMalloc.Mallopt(CfaMalloc.M_MMAP_CACHE, 0));
            Assert.Equal(0, CfaMalloc.GetStatistics().MappingCacheBytes);
        }
        finally
        {
            Assert.Equal(1, CfaMalloc.Mallopt(CfaMalloc.M_MMAP_CACHE, Support.DefaultMappingCache));
        }
    }
}
