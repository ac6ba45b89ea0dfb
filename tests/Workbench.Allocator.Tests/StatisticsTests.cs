using System.Xml.Linq;

namespace Workbench.Allocator.Tests;

/// <summary>Per-routine counters, bytes in use, and the two printers.</summary>
public unsafe class StatisticsTests
{
    private static readonly string[] s_routines = ["Malloc", "Aalloc", "Calloc", "Memalign", "Amemalign", "Cmemalign", "Resize", "Realloc", "Free"];

    private static RoutineCounters Get(AllocatorStatistics s, string routine) => routine switch
    {
        "Malloc" => s.Malloc,
        "Aalloc" => s.Aalloc,
        "Calloc" => s.Calloc,
        "Memalign" => s.Memalign,
        "Amemalign" => s.Amemalign,
        "Cmemalign" => s.Cmemalign,
        "Resize" => s.Resize,
        "Realloc" => s.Realloc,
        "Free" => s.Free,
        _ => throw new ArgumentException(routine),
    };

    /// <summary>
    /// Runs <paramref name="call"/> and checks that exactly one call was counted, under
    /// <paramref name="routine"/>, with <paramref name="requested"/> bytes requested (when given).
    /// </summary>
    private static void ExpectCountedUnder(string routine, string what, Action call, long? requested)
    {
        var s0 = CfaMalloc.GetStatistics();
        call();
        var s1 = CfaMalloc.GetStatistics();
        foreach (string r in s_routines)
        {
            var a = Get(s0, r);
            var b = Get(s1, r);
            long calls = b.Calls - a.Calls;
            Assert.True(calls == (r == routine ? 1 : 0), $"{what}: {r}.Calls changed by {calls}");
            Assert.True(b.ZeroCalls == a.ZeroCalls, $"{what}: {r}.ZeroCalls changed");
            if (r == routine && requested.HasValue)
            {
                Assert.True(b.BytesRequested - a.BytesRequested == requested, $"{what}: {r}.BytesRequested changed by {b.BytesRequested - a.BytesRequested}, expected {requested}");
                Assert.True(b.BytesAllocated - a.BytesAllocated >= requested, $"{what}: {r}.BytesAllocated changed by {b.BytesAllocated - a.BytesAllocated}, less than requested");
            }
            if (r != routine)
            {
                Assert.True(b.BytesRequested == a.BytesRequested, $"{what}: {r}.BytesRequested changed");
                Assert.True(b.BytesAllocated == a.BytesAllocated, $"{what}: {r}.BytesAllocated changed");
            }
        }
    }

    [Fact]
    public void RepeatedMemalign_CountsEveryCall_ZeroSizedOnesAsZeroCalls()
    {
        // After the first call the bucket has a free block, so the rest take the inlined fast path, which counts on
        // the bucket's line; a zero size must still count as a zero-size call every time.
        var s0 = CfaMalloc.GetStatistics();
        for (int i = 0; i < 20; i++)
        {
            void* z = CfaMalloc.Memalign(64, 0);
            Assert.True(z != null && ((nuint)z & 63) == 0, "Memalign(64, 0) must return a unique 64-aligned block");
            CfaMalloc.Free(z);
        }
        var s1 = CfaMalloc.GetStatistics();
        Assert.Equal(20, s1.Memalign.Calls - s0.Memalign.Calls);
        Assert.Equal(20, s1.Memalign.ZeroCalls - s0.Memalign.ZeroCalls);
        Assert.Equal(0, s1.Memalign.BytesRequested - s0.Memalign.BytesRequested);

        for (int i = 0; i < 20; i++)
        {
            void* p = CfaMalloc.AlignedAlloc(64, 100);
            Support.FillUsable(p);
            CfaMalloc.Free(p);
        }
        var s2 = CfaMalloc.GetStatistics();
        Assert.Equal(20, s2.Memalign.Calls - s1.Memalign.Calls);
        Assert.Equal(0, s2.Memalign.ZeroCalls - s1.Memalign.ZeroCalls);
        Assert.Equal(20 * 100, s2.Memalign.BytesRequested - s1.Memalign.BytesRequested);
        // Each block is the naturally aligned class's that holds 100 bytes (block sizes step by 64 up to 256 B, header
        // included, the data 64-aligned: no fake header and no alignment slack).
        long block = (100 + 16 + 63) / 64 * 64;
        Assert.Equal(20 * block, s2.Memalign.BytesAllocated - s1.Memalign.BytesAllocated);
        Assert.Equal(s0.BytesInUse, s2.BytesInUse);
    }

    [Fact]
    public void RepeatedCalloc_CountsEveryCallUnderCalloc_WithItsBlockBytes()
    {
        // After the first call the bucket has a free block, so the rest take the inlined fast path, which counts on
        // the bucket's line (FastCallocs); the snapshot must show them under Calloc, not Malloc, with exact bytes.
        void* first = CfaMalloc.Calloc(5, 60);
        CfaMalloc.Free(first);
        var s0 = CfaMalloc.GetStatistics();
        for (int i = 0; i < 20; i++)
        {
            byte* p = (byte*)CfaMalloc.Calloc(5, 60);
            Support.NotNull(p, "Calloc(5, 60)");
            Support.AssertBytes(p, 300, 0, "Calloc(5, 60) of a block just filled");
            Support.FillUsable(p);
            CfaMalloc.Free(p);
        }
        var s1 = CfaMalloc.GetStatistics();
        Assert.Equal(20, s1.Calloc.Calls - s0.Calloc.Calls);
        Assert.Equal(0, s1.Calloc.ZeroCalls - s0.Calloc.ZeroCalls);
        Assert.Equal(20 * 300, s1.Calloc.BytesRequested - s0.Calloc.BytesRequested);
        Assert.Equal(20 * ((long)Support.BucketFor(300) + 16), s1.Calloc.BytesAllocated - s0.Calloc.BytesAllocated);
        Assert.Equal(0, s1.Malloc.Calls - s0.Malloc.Calls);
        Assert.Equal(0, s1.Malloc.BytesAllocated - s0.Malloc.BytesAllocated);
        Assert.Equal(20, s1.Free.Calls - s0.Free.Calls);
        Assert.Equal(s0.BytesInUse, s1.BytesInUse);
    }

    [Fact]
    public void EachRoutine_IsCountedUnderItsOwnName()
    {
        void* p = null;
        ExpectCountedUnder("Malloc", "Malloc(100)", () => p = CfaMalloc.Malloc(100), 100);
        ExpectCountedUnder("Resize", "Resize(p, 200)", () => p = CfaMalloc.Resize(p, 200), 200);
        ExpectCountedUnder("Realloc", "Realloc(p, 300)", () => p = CfaMalloc.Realloc(p, 300), 300);
        ExpectCountedUnder("Realloc", "Realloc(p, 30000) (moving)", () => p = CfaMalloc.Realloc(p, 30_000), 30_000);
        ExpectCountedUnder("Free", "Free(p)", () => CfaMalloc.Free(p), null);
        ExpectCountedUnder("Aalloc", "Aalloc(4, 25)", () => p = CfaMalloc.Aalloc(4, 25), 100);
        ExpectCountedUnder("Free", "Free(aalloc'd)", () => CfaMalloc.Free(p), null);
        ExpectCountedUnder("Calloc", "Calloc(4, 25)", () => p = CfaMalloc.Calloc(4, 25), 100);
        ExpectCountedUnder("Free", "Free(calloc'd)", () => CfaMalloc.Free(p), null);
        ExpectCountedUnder("Memalign", "Memalign(64, 100)", () => p = CfaMalloc.Memalign(64, 100), 100);
        ExpectCountedUnder("Free", "Free(memalign'd)", () => CfaMalloc.Free(p), null);
        ExpectCountedUnder("Memalign", "AlignedAlloc(64, 100)", () => p = CfaMalloc.AlignedAlloc(64, 100), 100);
        CfaMalloc.Free(p);
        ExpectCountedUnder("Memalign", "PosixMemalign(64, 100)", () =>
        {
            void* r = null;
            Assert.Equal(0, CfaMalloc.PosixMemalign(&r, 64, 100));
            p = r;
        }, 100);
        CfaMalloc.Free(p);
        ExpectCountedUnder("Memalign", "Valloc(100)", () => p = CfaMalloc.Valloc(100), 100);
        CfaMalloc.Free(p);
        ExpectCountedUnder("Memalign", "Pvalloc(100)", () => p = CfaMalloc.Pvalloc(100), null);
        CfaMalloc.Free(p);
        ExpectCountedUnder("Amemalign", "Amemalign(64, 4, 25)", () => p = CfaMalloc.Amemalign(64, 4, 25), 100);
        CfaMalloc.Free(p);
        ExpectCountedUnder("Cmemalign", "Cmemalign(64, 4, 25)", () => p = CfaMalloc.Cmemalign(64, 4, 25), 100);
        CfaMalloc.Free(p);
    }

    [Fact]
    public void ZeroSizeCalls_AreCountedAsSuch()
    {
        var s0 = CfaMalloc.GetStatistics();
        void* p = CfaMalloc.Malloc(0);
        var s1 = CfaMalloc.GetStatistics();
        Assert.Equal(1, s1.Malloc.ZeroCalls - s0.Malloc.ZeroCalls);
        Assert.Equal(0, s1.Malloc.BytesRequested - s0.Malloc.BytesRequested);
        long calls = s1.Malloc.Calls - s0.Malloc.Calls;
        Assert.True(calls is 0 or 1, $"Malloc(0) changed Malloc.Calls by {calls}");
        CfaMalloc.Free(p);
        var s2 = CfaMalloc.GetStatistics();
        CfaMalloc.Free(null);
        var s3 = CfaMalloc.GetStatistics();
        Assert.Equal(1, s3.Free.ZeroCalls - s2.Free.ZeroCalls);
    }

    [Fact]
    public void MovingRealloc_CountsNoMallocAndNoFree()
    {
        void* p = CfaMalloc.Malloc(100);
        // A free block in the new bucket, so that p moves even if it is the last block carved from the bump area.
        CfaMalloc.Free(CfaMalloc.Malloc(100_000));
        var s0 = CfaMalloc.GetStatistics();
        void* q = CfaMalloc.Realloc(p, 100_000);
        void* r = CfaMalloc.AlignedRealloc(q, 4096, 200_000);
        var s1 = CfaMalloc.GetStatistics();
        Assert.True(q != p && r != null);
        Assert.Equal(0, s1.Malloc.Calls - s0.Malloc.Calls);
        Assert.Equal(0, s1.Free.Calls - s0.Free.Calls);
        Assert.Equal(0, s1.Memalign.Calls - s0.Memalign.Calls);
        Assert.True(s1.Realloc.Calls - s0.Realloc.Calls >= 1);
        CfaMalloc.Free(r);
    }

    [Fact]
    public void BytesInUse_GrowsByTheBlockBytesAndReturnsAfterEverythingIsFreed()
    {
        var s0 = CfaMalloc.GetStatistics();
        var blocks = new List<nint>();
        for (int i = 1; i <= 200; i++)
            blocks.Add((nint)CfaMalloc.Malloc((nuint)(i * 37)));
        var s1 = CfaMalloc.GetStatistics();
        long allocated = s1.Malloc.BytesAllocated - s0.Malloc.BytesAllocated;
        long requested = s1.Malloc.BytesRequested - s0.Malloc.BytesRequested;
        Assert.Equal(37L * 200 * 201 / 2, requested);
        Assert.True(allocated >= requested);
        Assert.Equal(allocated, s1.BytesInUse - s0.BytesInUse);
        blocks.Add((nint)CfaMalloc.Calloc(10, 1000));
        blocks.Add((nint)CfaMalloc.Memalign(4096, 3000));
        blocks.Add((nint)CfaMalloc.Malloc(2_000_000));
        blocks.Add((nint)CfaMalloc.Cmemalign(256, 3, 3000));
        blocks[0] = (nint)CfaMalloc.Realloc((void*)blocks[0], 50_000);
        blocks[1] = (nint)CfaMalloc.Resize((void*)blocks[1], 7000);
        var s2 = CfaMalloc.GetStatistics();
        Assert.True(s2.BytesInUse - s1.BytesInUse >= 10_000 + 3000 + 2_000_000 + 9000, "BytesInUse did not grow with the blocks");
        foreach (nint p in blocks)
            CfaMalloc.Free((void*)p);
        var s3 = CfaMalloc.GetStatistics();
        Assert.Equal(s0.BytesInUse, s3.BytesInUse);
    }

    [Fact]
    public void Snapshot_DoesNotChangeAfterItIsTaken()
    {
        var s0 = CfaMalloc.GetStatistics();
        long calls = s0.Malloc.Calls, inUse = s0.BytesInUse;
        void* p = CfaMalloc.Malloc(1000);
        Assert.Equal(calls, s0.Malloc.Calls);
        Assert.Equal(inUse, s0.BytesInUse);
        CfaMalloc.Free(p);
        var s1 = CfaMalloc.GetStatistics();
        Assert.Equal(calls + 1, s1.Malloc.Calls);
        Assert.True(s1.ThreadsStarted >= 1 && s1.HeapsNew >= 1, "at least this thread started and got a heap");
        Assert.True(s1.ThreadsExited <= s1.ThreadsStarted);
    }

    [Fact]
    public void OtherThreadsCalls_AreSummedIntoTheSnapshot()
    {
        var s0 = CfaMalloc.GetStatistics();
        Support.OnThread(() =>
        {
            for (int i = 0; i < 10; i++)
                CfaMalloc.Free(CfaMalloc.Malloc(64));
        });
        var s1 = CfaMalloc.GetStatistics();
        Assert.Equal(10, s1.Malloc.Calls - s0.Malloc.Calls);
        Assert.Equal(10, s1.Free.Calls - s0.Free.Calls);
        Assert.True(s1.ThreadsStarted - s0.ThreadsStarted >= 1);
    }

    [Fact]
    public void MallocStats_PrintsText()
    {
        CfaMalloc.Free(CfaMalloc.Malloc(10));
        var w = new StringWriter();
        CfaMalloc.MallocStats(w);
        string text = w.ToString();
        Assert.False(string.IsNullOrWhiteSpace(text), "MallocStats printed nothing");
        Assert.Contains("malloc", text, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("free", text, StringComparison.OrdinalIgnoreCase);
    }

    private static BucketCounters Less(BucketCounters a, BucketCounters b)
        => new(a.BlockSize, a.Allocations - b.Allocations, a.Frees - b.Frees, a.Carved - b.Carved);

    [Fact]
    public void Buckets_CountAllocationsFreesAndCarving_AndABlockFreedIsReused()
    {
        Support.OnOwnThread(() =>
        {
            const int n = 500;
            var blocks = new nint[n];
            // The bucket of a 200-byte request: its block is the usable size plus the 16-byte header.
            void* probe = CfaMalloc.Malloc(200);
            long blockSize = (long)CfaMalloc.MallocUsableSize(probe) + 16;
            CfaMalloc.Free(probe);
            AllocatorStatistics s0 = CfaMalloc.GetHeapStatistics();
            int index = s0.Buckets.ToList().FindIndex(b => b.BlockSize == blockSize);
            Assert.True(index >= 0, $"no bucket of {blockSize} B among {string.Join(", ", s0.Buckets.Select(b => b.BlockSize))}");

            for (int i = 0; i < n; i++)
            {
                blocks[i] = (nint)CfaMalloc.Malloc(200);
                new Span<byte>((void*)blocks[i], 200).Fill((byte)i);
            }
            AllocatorStatistics s1 = CfaMalloc.GetHeapStatistics();
            BucketCounters first = Less(s1.Buckets[index], s0.Buckets[index]);
            Assert.Equal(n, first.Allocations);
            // The heap may hold free blocks of this size from an earlier thread; the rest were carved, up to a page ahead.
            Assert.InRange(first.Carved, 0, n + 4096 / blockSize + 1);

            for (int i = 0; i < n; i++)
            {
                Assert.True(new Span<byte>((void*)blocks[i], 200).IndexOfAnyExcept((byte)i) < 0, $"block {i} lost its contents");
                CfaMalloc.Free((void*)blocks[i]);
            }
            AllocatorStatistics s2 = CfaMalloc.GetHeapStatistics();
            Assert.Equal(n, Less(s2.Buckets[index], s1.Buckets[index]).Frees);

            for (int i = 0; i < n; i++)
                blocks[i] = (nint)CfaMalloc.Malloc(200);
            AllocatorStatistics s3 = CfaMalloc.GetHeapStatistics();
            BucketCounters second = Less(s3.Buckets[index], s2.Buckets[index]);
            Assert.Equal(n, second.Allocations);
            Assert.Equal(0, second.Carved);          // every block came back from the free list
            Assert.Equal(n, second.Reused);
            foreach (nint p in blocks)
                CfaMalloc.Free((void*)p);
            // Every other size class saw nothing.
            for (int b = 0; b < s3.Buckets.Count; b++)
                if (b != index)
                    Assert.Equal(0, Less(s3.Buckets[b], s0.Buckets[b]).Allocations);
        });
    }

    [Fact]
    public void Buckets_CountTheTakesOfEveryRoutine_NotOnlyMallocs()
    {
        Support.OnOwnThread(() =>
        {
            const int each = 100;
            var blocks = new List<nint>();
            var moved = new List<nint>();
            for (int i = 0; i < each; i++)
                moved.Add((nint)CfaMalloc.Malloc(16));
            AllocatorStatistics s0 = CfaMalloc.GetHeapStatistics();
            for (int i = 0; i < each; i++)
            {
                blocks.Add((nint)CfaMalloc.Memalign(64, 150));
                blocks.Add((nint)CfaMalloc.Aalloc(10, 15));
                blocks.Add((nint)CfaMalloc.Calloc(1, 300));
                blocks.Add((nint)CfaMalloc.Cmemalign(32, 3, 40));
                // A 16-byte block that is not the last one carved moves to a block of the 600-byte size class.
                moved[i] = (nint)CfaMalloc.Realloc((void*)moved[i], 600);
            }
            // And a second round from the free lists: the memalign fast path, realloc's fast move.
            foreach (nint p in blocks)
                CfaMalloc.Free((void*)p);
            blocks.Clear();
            for (int i = 0; i < each; i++)
            {
                blocks.Add((nint)CfaMalloc.Memalign(64, 150));
                moved[i] = (nint)CfaMalloc.Realloc((void*)moved[i], 2000);
            }
            AllocatorStatistics s1 = CfaMalloc.GetHeapStatistics();
            long taken = 0;
            for (int b = 0; b < s1.Buckets.Count; b++)
                taken += Less(s1.Buckets[b], s0.Buckets[b]).Allocations;
            Assert.Equal(7 * each, taken);
            foreach (nint p in blocks.Concat(moved))
                CfaMalloc.Free((void*)p);
        });
    }

    [Fact]
    public void MallocStatsAll_AddsALinePerBucketUsed_AndReturnsThePreviousState()
    {
        Support.OnOwnThread(() =>
        {
            void* p = CfaMalloc.Malloc(3000);
            long blockSize = (long)CfaMalloc.MallocUsableSize(p) + 16;
            string size = blockSize.ToString("N0", System.Globalization.CultureInfo.InvariantCulture);
            var plain = new StringWriter();
            var all = new StringWriter();
            bool before = CfaMalloc.MallocStatsAll(true);
            try
            {
                CfaMalloc.HeapStats(all);
                Assert.True(CfaMalloc.MallocStatsAll(false));
                CfaMalloc.HeapStats(plain);
                Assert.False(CfaMalloc.MallocStatsAll(false));
            }
            finally
            {
                CfaMalloc.MallocStatsAll(before);
            }
            Assert.DoesNotContain("buckets", plain.ToString(), StringComparison.Ordinal);
            string[] lines = all.ToString().Split('\n');
            Assert.Contains(lines, l => l.Contains("buckets", StringComparison.Ordinal));
            Assert.Contains(lines, l => l.TrimStart().StartsWith(size + " ", StringComparison.Ordinal));
            CfaMalloc.Free(p);
        });
    }

    [Fact]
    public void MallocInfo_PrintsXmlInGlibcShape()
    {
        CfaMalloc.Free(CfaMalloc.Malloc(10));
        var w = new StringWriter();
        CfaMalloc.MallocInfo(w);
        var doc = XDocument.Parse(w.ToString());
        Assert.NotNull(doc.Root);
        Assert.Equal("malloc", doc.Root!.Name.LocalName);
        Assert.Equal("1", (string?)doc.Root.Attribute("version"));
        // glibc's top-level summary: <total type="mmap" count size>, <system type="current" size>, <aspace type="total" size>.
        var root = doc.Root;
        Assert.Contains(root.Elements("total"), e => (string?)e.Attribute("type") == "mmap" && e.Attribute("count") != null && e.Attribute("size") != null);
        Assert.Contains(root.Elements("system"), e => (string?)e.Attribute("type") == "current" && e.Attribute("size") != null);
        Assert.Contains(root.Elements("aspace"), e => (string?)e.Attribute("type") == "total" && e.Attribute("size") != null);
        // Per-heap elements, where present, are numbered as glibc's <heap nr="...">.
        Assert.All(root.Elements("heap"), h => Assert.NotNull(h.Attribute("nr")));
    }
}
