using Workbench.Allocator.Testing;

namespace Workbench.Allocator.Tests;

/// <summary>The GNU C routines and the simple extensions: what each returns and what its block holds.</summary>
public unsafe class StandardRoutineTests
{
    private static readonly nuint[] s_sizes = [1, 7, 15, 16, 17, 63, 100, 128, 129, 1000, 4096, 5000, 65536, 100_000, 300_000];

    /// <summary>
    /// Calloc and a zero-filled realloc zero a dirty, reused block at every size where the zeroing changes
    /// strategy (inline below 256 B, vector stores to 64 KiB, whose head, body and tail overlap differently at
    /// each of the sizes here, then the runtime's Clear), and at the edge of the fast paths (128 KiB). The zeroing
    /// stops at the request: the block's slack keeps its old bytes, so no store ran past the end.
    /// </summary>
    [Theory]
    [InlineData(255)]
    [InlineData(256)]
    [InlineData(257)]
    [InlineData(320)]
    [InlineData(383)]
    [InlineData(1000)]
    [InlineData(2047)]
    [InlineData(4096)]
    [InlineData(65535)]
    [InlineData(65536)]
    [InlineData(65537)]
    [InlineData(131072)]
    [InlineData(131073)]
    [InlineData(300000)]
    public void Calloc_ZeroesADirtyReusedBlock_AtEverySize(int size)
    {
        nuint n = (nuint)size;
        byte* dirty = (byte*)CfaMalloc.Malloc(n);
        Support.NotNull(dirty, $"Malloc({n})");
        Pattern.FillByte(dirty, CfaMalloc.MallocUsableSize(dirty), 0xFF);
        CfaMalloc.Free(dirty);
        byte* z = (byte*)CfaMalloc.Calloc(1, n);
        Support.NotNull(z, $"Calloc(1, {n})");
        Assert.True(z == dirty, $"Calloc({n}) should reuse the block just freed");
        Support.AssertBytes(z, n, 0, $"Calloc({n}) of a dirty block");
        Support.AssertBytes(z + n, CfaMalloc.MallocUsableSize(z) - n, 0xFF, $"Calloc({n})'s slack");
        // Grow it in place or moved: the new part is zero too.
        byte* g = (byte*)CfaMalloc.Realloc(z, n + n / 3);
        Support.NotNull(g, "Realloc of a zero-filled block");
        Support.AssertBytes(g, n + n / 3, 0, $"zero-filled Realloc({n} -> {n + n / 3})");
        CfaMalloc.Free(g);
    }

    [Fact]
    public void Malloc_ReturnsAWritableBlockWithTheRequestedSizeAndDefaultProperties()
    {
        var blocks = new List<(nint P, ulong Seed, nuint Usable)>();
        foreach (nuint n in s_sizes)
        {
            void* p = CfaMalloc.Malloc(n);
            Support.NotNull(p, $"Malloc({n})");
            Assert.True((nuint)p % 16 == 0, $"Malloc({n}) = 0x{(nint)p:x} is not 16-byte aligned");
            Assert.Equal(n, CfaMalloc.MallocSize(p));
            Assert.True(CfaMalloc.MallocUsableSize(p) >= n, $"usable {CfaMalloc.MallocUsableSize(p)} < {n}");
            Assert.Equal((nuint)16, CfaMalloc.MallocAlignment(p));
            Assert.False(CfaMalloc.MallocZeroFill(p));
            Assert.False(CfaMalloc.MallocRemote(p));
            blocks.Add(((nint)p, Support.FillUsable(p), CfaMalloc.MallocUsableSize(p)));
        }
        foreach (var (p, seed, usable) in blocks)
        {
            Support.AssertPattern((void*)p, usable, seed, $"block of {CfaMalloc.MallocSize((void*)p)}");
            CfaMalloc.Free((void*)p);
        }
    }

    [Fact]
    public void MallocZero_ReturnsUniqueNonNullPointersThatMustBeFreed()
    {
        var s0 = CfaMalloc.GetStatistics();
        var set = new HashSet<nint>();
        for (int i = 0; i < 64; i++)
        {
            void* p = CfaMalloc.Malloc(0);
            Support.NotNull(p, "Malloc(0)");
            Assert.True(set.Add((nint)p), $"Malloc(0) returned 0x{(nint)p:x} twice");
            Assert.Equal((nuint)0, CfaMalloc.MallocSize(p));
        }
        // Live zero-size blocks must not overlap real blocks either.
        void* real = CfaMalloc.Malloc(16);
        Assert.DoesNotContain((nint)real, set);
        var s1 = CfaMalloc.GetStatistics();
        Assert.Equal(64, s1.Malloc.ZeroCalls - s0.Malloc.ZeroCalls);
        foreach (nint p in set)
            CfaMalloc.Free((void*)p);
        CfaMalloc.Free(real);
        var s2 = CfaMalloc.GetStatistics();
        Assert.Equal(s0.BytesInUse, s2.BytesInUse);
    }

    [Fact]
    public void Calloc_WithAFactorAbove32Bits_AndAZeroProduct_IsAZeroSizeCall()
    {
        // The fast path takes only factors below 2^32; a large factor times 0 must still be a valid zero-size calloc.
        foreach (var (count, size) in new[] { ((nuint)1 << 40, (nuint)0), ((nuint)0, (nuint)1 << 40) })
        {
            var s0 = CfaMalloc.GetStatistics();
            void* p = CfaMalloc.Calloc(count, size);
            Support.NotNull(p, $"Calloc({count}, {size})");
            Assert.Equal((nuint)0, CfaMalloc.MallocSize(p));
            Assert.True(CfaMalloc.MallocZeroFill(p), "Calloc must set zero fill");
            var s1 = CfaMalloc.GetStatistics();
            Assert.True(s1.Calloc.ZeroCalls - s0.Calloc.ZeroCalls >= 1, $"Calloc({count}, {size}) should count as a zero-size call");
            CfaMalloc.Free(p);
        }
    }

    [Fact]
    public void Calloc_ZeroesTheRequestEvenOnRecycledStorage()
    {
        foreach (nuint n in s_sizes)
        {
            for (nuint count = 1; count <= 4; count++)
            {
                nuint total = n * count;
                // Dirty a block of the same size so that the calloc'd one is likely recycled storage.
                void* dirty = CfaMalloc.Malloc(total);
                Pattern.FillByte(dirty, CfaMalloc.MallocUsableSize(dirty), 0xFF);
                CfaMalloc.Free(dirty);
                void* p = CfaMalloc.Calloc(count, n);
                Support.NotNull(p, $"Calloc({count}, {n})");
                Support.AssertBytes(p, total, 0, $"Calloc({count}, {n})");
                Assert.Equal(total, CfaMalloc.MallocSize(p));
                Assert.True(CfaMalloc.MallocZeroFill(p), "Calloc must set zero fill");
                Assert.Equal((nuint)16, CfaMalloc.MallocAlignment(p));
                Assert.True(CfaMalloc.MallocUsableSize(p) >= total);
                Pattern.FillByte(p, CfaMalloc.MallocUsableSize(p), 0xEE);
                CfaMalloc.Free(p);
            }
        }
    }

    [Fact]
    public void Aalloc_AllocatesCountTimesSizeWithoutZeroFill()
    {
        void* p = CfaMalloc.Aalloc(10, 30);
        Support.NotNull(p, "Aalloc(10, 30)");
        Assert.Equal((nuint)300, CfaMalloc.MallocSize(p));
        Assert.True(CfaMalloc.MallocUsableSize(p) >= 300);
        Assert.False(CfaMalloc.MallocZeroFill(p));
        Assert.Equal((nuint)16, CfaMalloc.MallocAlignment(p));
        ulong seed = Support.FillUsable(p);
        Support.AssertPattern(p, CfaMalloc.MallocUsableSize(p), seed, "Aalloc block");
        CfaMalloc.Free(p);
    }

    [Fact]
    public void ReallocOfNull_IsMalloc()
    {
        void* p = CfaMalloc.Realloc(null, 200);
        Support.NotNull(p, "Realloc(null, 200)");
        Assert.Equal((nuint)200, CfaMalloc.MallocSize(p));
        Assert.Equal((nuint)16, CfaMalloc.MallocAlignment(p));
        Assert.False(CfaMalloc.MallocZeroFill(p));
        Support.FillUsable(p);
        CfaMalloc.Free(p);
    }

    [Fact]
    public void ReallocToZero_FreesTheBlockAndReturnsNull()
    {
        var s0 = CfaMalloc.GetStatistics();
        void* p = CfaMalloc.Malloc(300);
        Support.NotNull(p, "Malloc(300)");
        var s1 = CfaMalloc.GetStatistics();
        Assert.True(s1.BytesInUse > s0.BytesInUse, "BytesInUse must grow while a block is held");
        void* q = CfaMalloc.Realloc(p, 0);
        Assert.True(q == null, "Realloc(p, 0) must return null");
        var s2 = CfaMalloc.GetStatistics();
        Assert.Equal(s0.BytesInUse, s2.BytesInUse);
        Assert.Equal(0, s2.Free.Calls - s1.Free.Calls);
    }

    [Theory]
    [InlineData(100)]
    [InlineData(1000)]
    [InlineData(5000)]
    [InlineData(70_000)]
    [InlineData(300_000)]
    public void Realloc_StaysInPlaceExactlyWhenNewSizeFitsWithinTwiceTheUsable(int initial)
    {
        nuint n = (nuint)initial;
        void* p = CfaMalloc.Malloc(n);
        Support.NotNull(p, $"Malloc({n})");
        nuint u = CfaMalloc.MallocUsableSize(p);
        ulong seed = Pattern.SeedFor(p, n);
        Pattern.Fill(p, n, seed);

        // newSize == usable: in place.
        void* q = CfaMalloc.Realloc(p, u);
        Assert.True(q == p, $"Realloc({n} -> usable {u}) moved");
        Assert.Equal(u, CfaMalloc.MallocSize(q));
        Support.AssertPattern(q, n, seed, "prefix after in-place growth to usable");

        // newSize == usable / 2: usable <= 2 * newSize, in place.
        q = CfaMalloc.Realloc(q, u / 2);
        Assert.True(q == p, $"Realloc(usable {u} -> {u / 2}) moved");
        Assert.Equal(u / 2, CfaMalloc.MallocSize(q));
        Support.AssertPattern(q, u / 2, seed, "prefix after in-place shrink");

        // newSize == usable / 2 - 1: usable > 2 * newSize, it moves. (The last block carved from the bump area
        // may instead shrink in place when the new bucket has no free block: give that bucket one first.)
        nuint small = u / 2 - 1;
        CfaMalloc.Free(CfaMalloc.Malloc(small));
        void* r = CfaMalloc.Realloc(q, small);
        Support.NotNull(r, "shrinking Realloc");
        Assert.True(r != p, $"Realloc(usable {u} -> {small}) stayed in place; the contract says it moves");
        Assert.Equal(small, CfaMalloc.MallocSize(r));
        Support.AssertPattern(r, small, seed, "prefix after moving shrink");

        // Beyond the usable size: it moves, keeping the whole old request.
        nuint u2 = CfaMalloc.MallocUsableSize(r);
        CfaMalloc.Free(CfaMalloc.Malloc(u2 + 1));
        void* s = CfaMalloc.Realloc(r, u2 + 1);
        Support.NotNull(s, "growing Realloc");
        Assert.True(s != r, "Realloc beyond the usable size into a bucket with a free block cannot stay in place");
        Assert.Equal(u2 + 1, CfaMalloc.MallocSize(s));
        Support.AssertPattern(s, small, seed, "prefix after moving growth");
        Assert.True(CfaMalloc.MallocUsableSize(s) >= u2 + 1);
        Support.FillUsable(s);
        CfaMalloc.Free(s);
    }

    /// <summary>
    /// The bytes a program wrote into a block's slack (up to malloc_usable_size, which allows it) survive a realloc
    /// that moves the block, as with glibc: Redis's strings live in that slack. Growth and shrink, small and large,
    /// through the fast path and the general one.
    /// </summary>
    [Theory]
    [InlineData(10, 5000)]
    [InlineData(100, 70_000)]
    [InlineData(3000, 1_000_000)]
    [InlineData(70_000, 100)]
    [InlineData(600_000, 2_000_000)]
    public void Realloc_KeepsWhatWasWrittenUpToTheUsableSize(int initial, int target)
    {
        byte* p = (byte*)CfaMalloc.Malloc((nuint)initial);
        Support.NotNull(p, $"Malloc({initial})");
        // A block carved after it, so that it cannot grow or shrink in place as the last block carved, and a free block
        // in the target's bucket, so that the move takes that one.
        void* after = CfaMalloc.Malloc((nuint)initial);
        CfaMalloc.Free(CfaMalloc.Malloc((nuint)target));
        nuint usable = CfaMalloc.MallocUsableSize(p);
        Assert.True(usable >= (nuint)initial);
        for (nuint i = 0; i < usable; i++)
            p[i] = (byte)(i * 7 + 1);
        byte* q = (byte*)CfaMalloc.Realloc(p, (nuint)target);
        Support.NotNull(q, $"Realloc({initial} -> {target})");
        nuint kept = Math.Min(usable, (nuint)target);
        for (nuint i = 0; i < kept; i++)
            Assert.True(q[i] == (byte)(i * 7 + 1), $"byte {i} of {kept} lost by Realloc({initial} (usable {usable}) -> {target})");
        CfaMalloc.Free(q);
        CfaMalloc.Free(after);
    }

    [Fact]
    public void Realloc_MovedBlockFreesTheOldOne()
    {
        var s0 = CfaMalloc.GetStatistics();
        void* p = CfaMalloc.Malloc(64);
        void* q = CfaMalloc.Realloc(p, 10_000);
        Support.NotNull(q, "Realloc(64 -> 10000)");
        void* r = CfaMalloc.Realloc(q, 100);
        Support.NotNull(r, "Realloc(10000 -> 100)");
        CfaMalloc.Free(r);
        var s1 = CfaMalloc.GetStatistics();
        Assert.Equal(s0.BytesInUse, s1.BytesInUse);
    }

    [Fact]
    public void ReallocArray_IsReallocOfCountTimesSize()
    {
        void* p = CfaMalloc.Malloc(40);
        ulong seed = Pattern.SeedFor(p, 40);
        Pattern.Fill(p, 40, seed);
        void* q = CfaMalloc.ReallocArray(p, 100, 12);
        Support.NotNull(q, "ReallocArray(p, 100, 12)");
        Assert.Equal((nuint)1200, CfaMalloc.MallocSize(q));
        Support.AssertPattern(q, 40, seed, "ReallocArray prefix");
        Support.FillUsable(q);
        void* r = CfaMalloc.ReallocArray(null, 3, 5);
        Support.NotNull(r, "ReallocArray(null, 3, 5)");
        Assert.Equal((nuint)15, CfaMalloc.MallocSize(r));
        CfaMalloc.Free(q);
        CfaMalloc.Free(r);
    }

    [Fact]
    public void FreeOfNull_DoesNothingAndCountsAsAZeroFree()
    {
        var s0 = CfaMalloc.GetStatistics();
        CfaMalloc.Free(null);
        CfaMalloc.Free(null);
        var s1 = CfaMalloc.GetStatistics();
        Assert.Equal(2, s1.Free.ZeroCalls - s0.Free.ZeroCalls);
        Assert.Equal(s0.BytesInUse, s1.BytesInUse);
    }

    [Fact]
    public void Valloc_IsPageAligned()
    {
        foreach (nuint n in new nuint[] { 1, 100, Support.Page, Support.Page + 1, 3 * Support.Page, 700_000 })
        {
            void* p = CfaMalloc.Valloc(n);
            Support.NotNull(p, $"Valloc({n})");
            Assert.True((nuint)p % Support.Page == 0, $"Valloc({n}) = 0x{(nint)p:x} is not page-aligned");
            Assert.Equal(Support.Page, CfaMalloc.MallocAlignment(p));
            Assert.Equal(n, CfaMalloc.MallocSize(p));
            Assert.True(CfaMalloc.MallocUsableSize(p) >= n);
            ulong seed = Support.FillUsable(p);
            Support.AssertPattern(p, CfaMalloc.MallocUsableSize(p), seed, $"Valloc({n})");
            CfaMalloc.Free(p);
        }
    }

    [Fact]
    public void Pvalloc_IsPageAlignedAndRoundsTheSizeUpToWholePages()
    {
        nuint page = Support.Page;
        foreach (var (n, rounded) in new (nuint, nuint)[] { (0, page), (1, page), (page - 1, page), (page, page), (page + 1, 2 * page), (5 * page + 7, 6 * page) })
        {
            void* p = CfaMalloc.Pvalloc(n);
            Support.NotNull(p, $"Pvalloc({n})");
            Assert.True((nuint)p % page == 0, $"Pvalloc({n}) = 0x{(nint)p:x} is not page-aligned");
            Assert.Equal(page, CfaMalloc.MallocAlignment(p));
            Assert.True(CfaMalloc.MallocUsableSize(p) >= rounded, $"Pvalloc({n}): usable {CfaMalloc.MallocUsableSize(p)} < {rounded}");
            Assert.True(CfaMalloc.MallocSize(p) == rounded, $"Pvalloc({n}): request size {CfaMalloc.MallocSize(p)}, expected the rounded {rounded}");
            Pattern.FillByte(p, rounded, 0x77);
            Support.AssertBytes(p, rounded, 0x77, $"Pvalloc({n})");
            CfaMalloc.Free(p);
        }
    }

    [Fact]
    public void QueriesOfNull_AreZeroOrFalse_ButTheDefaultAlignment()
    {
        Assert.Equal((nuint)0, CfaMalloc.MallocSize(null));
        Assert.Equal((nuint)0, CfaMalloc.MallocUsableSize(null));
        Assert.Equal((nuint)16, CfaMalloc.MallocAlignment(null)); // the default alignment, as llheap answers
        Assert.False(CfaMalloc.MallocZeroFill(null));
        Assert.False(CfaMalloc.MallocRemote(null));
    }

    [Fact]
    public void Resize_KeepsNothingSticky()
    {
        void* p = CfaMalloc.Cmemalign(4096, 1, 100);
        Support.NotNull(p, "Cmemalign(4096, 1, 100)");
        Assert.True(CfaMalloc.MallocZeroFill(p));
        Assert.Equal((nuint)4096, CfaMalloc.MallocAlignment(p));
        void* q = CfaMalloc.Resize(p, 200);
        Support.NotNull(q, "Resize(p, 200)");
        Assert.Equal((nuint)200, CfaMalloc.MallocSize(q));
        Assert.Equal((nuint)16, CfaMalloc.MallocAlignment(q));
        Assert.False(CfaMalloc.MallocZeroFill(q), "Resize must drop zero fill");
        Assert.True(CfaMalloc.MallocUsableSize(q) >= 200);
        Support.FillUsable(q);
        // In place and moving resizes of a zero-filled block: neither keeps zero fill.
        void* z = CfaMalloc.Calloc(1, 100);
        nuint u = CfaMalloc.MallocUsableSize(z);
        void* z2 = CfaMalloc.Resize(z, u);
        Assert.Equal((nuint)16, CfaMalloc.MallocAlignment(z2));
        Assert.False(CfaMalloc.MallocZeroFill(z2), "an in-place Resize must drop zero fill");
        void* z3 = CfaMalloc.Resize(z2, 50_000);
        Support.NotNull(z3, "Resize(z, 50000)");
        Assert.False(CfaMalloc.MallocZeroFill(z3), "a moving Resize must drop zero fill");
        Assert.Equal((nuint)50_000, CfaMalloc.MallocSize(z3));
        Support.FillUsable(z3);
        CfaMalloc.Free(q);
        CfaMalloc.Free(z3);
    }

    [Fact]
    public void Resize_StaysInPlaceWhenTheBucketFitsAndReleasesTheOldBlockWhenItMoves()
    {
        var s0 = CfaMalloc.GetStatistics();
        void* p = CfaMalloc.Malloc(100);
        nuint u = CfaMalloc.MallocUsableSize(p);
        void* q = CfaMalloc.Resize(p, u);
        Assert.True(q == p, "Resize to the usable size of its own bucket must stay in place");
        Assert.Equal(u, CfaMalloc.MallocSize(q));
        void* r = CfaMalloc.Resize(q, 20_000);
        Support.NotNull(r, "Resize(p, 20000)");
        Assert.Equal((nuint)20_000, CfaMalloc.MallocSize(r));
        Assert.True(CfaMalloc.MallocUsableSize(r) >= 20_000);
        Support.FillUsable(r);
        CfaMalloc.Free(r);
        var s1 = CfaMalloc.GetStatistics();
        Assert.Equal(s0.BytesInUse, s1.BytesInUse);
    }

    [Fact]
    public void UsableSize_IsNeverBelowTheRequestSize()
    {
        var rng = new Random(42);
        var live = new List<nint>();
        for (int i = 0; i < 3000; i++)
        {
            nuint n = (nuint)rng.Next(0, 20_000);
            void* p = CfaMalloc.Malloc(n);
            Support.NotNull(p, $"Malloc({n})");
            Assert.Equal(n, CfaMalloc.MallocSize(p));
            Assert.True(CfaMalloc.MallocUsableSize(p) >= n);
            live.Add((nint)p);
        }
        foreach (nint p in live)
            CfaMalloc.Free((void*)p);
    }
}
