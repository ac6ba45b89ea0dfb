using Workbench.Allocator.Testing;

namespace Workbench.Allocator.Tests;

/// <summary>Every power-of-two alignment from 16 to 2 MiB, for every aligned routine.</summary>
public unsafe class AlignmentTests
{
    public static TheoryData<ulong> AlignmentData => Support.AlignmentData();

    private static nuint[] SizesFor(nuint alignment) => [1, 100, alignment + 1];

    /// <summary>
    /// Checks a block returned by an aligned routine: aligned, MallocAlignment, request size,
    /// usable size, and its whole usable size writable without touching the other block.
    /// </summary>
    private static void CheckPair(void* p1, void* p2, nuint alignment, nuint request, string what)
    {
        foreach (nint a in new[] { (nint)p1, (nint)p2 })
        {
            void* p = (void*)a;
            Support.NotNull(p, what);
            Assert.True((nuint)p % alignment == 0, $"{what} = 0x{(nint)p:x} is not aligned to {alignment}");
            Assert.True(CfaMalloc.MallocAlignment(p) == alignment, $"{what}: MallocAlignment {CfaMalloc.MallocAlignment(p)}, expected {alignment}");
            Assert.True(CfaMalloc.MallocSize(p) == request, $"{what}: MallocSize {CfaMalloc.MallocSize(p)}, expected {request}");
            Assert.True(CfaMalloc.MallocUsableSize(p) >= request, $"{what}: usable {CfaMalloc.MallocUsableSize(p)} < {request}");
        }
        ulong s1 = Support.FillUsable(p1);
        ulong s2 = Support.FillUsable(p2);
        Support.AssertPattern(p1, CfaMalloc.MallocUsableSize(p1), s1, what + " (first of two)");
        Support.AssertPattern(p2, CfaMalloc.MallocUsableSize(p2), s2, what + " (second of two)");
        CfaMalloc.Free(p1);
        CfaMalloc.Free(p2);
    }

    [Theory]
    [MemberData(nameof(AlignmentData))]
    public void Memalign_AlignsAndRecordsTheAlignment(ulong a)
    {
        nuint alignment = (nuint)a;
        foreach (nuint n in SizesFor(alignment))
            CheckPair(CfaMalloc.Memalign(alignment, n), CfaMalloc.Memalign(alignment, n), alignment, n, $"Memalign({alignment}, {n})");
    }

    [Theory]
    [MemberData(nameof(AlignmentData))]
    public void AlignedAlloc_AlignsAndRecordsTheAlignment(ulong a)
    {
        nuint alignment = (nuint)a;
        foreach (nuint n in SizesFor(alignment))
            CheckPair(CfaMalloc.AlignedAlloc(alignment, n), CfaMalloc.AlignedAlloc(alignment, n), alignment, n, $"AlignedAlloc({alignment}, {n})");
    }

    [Theory]
    [MemberData(nameof(AlignmentData))]
    public void PosixMemalign_AlignsAndRecordsTheAlignment(ulong a)
    {
        nuint alignment = (nuint)a;
        foreach (nuint n in SizesFor(alignment))
        {
            void* p1 = null, p2 = null;
            Assert.Equal(0, CfaMalloc.PosixMemalign(&p1, alignment, n));
            Assert.Equal(0, CfaMalloc.PosixMemalign(&p2, alignment, n));
            CheckPair(p1, p2, alignment, n, $"PosixMemalign({alignment}, {n})");
        }
    }

    [Theory]
    [MemberData(nameof(AlignmentData))]
    public void Amemalign_AlignsAnArray(ulong a)
    {
        nuint alignment = (nuint)a;
        foreach (nuint n in SizesFor(alignment))
        {
            void* p1 = CfaMalloc.Amemalign(alignment, 3, n);
            void* p2 = CfaMalloc.Amemalign(alignment, 3, n);
            Assert.False(CfaMalloc.MallocZeroFill(p1), "Amemalign must not set zero fill");
            CheckPair(p1, p2, alignment, 3 * n, $"Amemalign({alignment}, 3, {n})");
        }
    }

    [Theory]
    [MemberData(nameof(AlignmentData))]
    public void Cmemalign_AlignsAndZeroesAnArray(ulong a)
    {
        nuint alignment = (nuint)a;
        foreach (nuint n in SizesFor(alignment))
        {
            // Dirty storage of the same shape first, so that zeroes are not just fresh pages.
            void* dirty = CfaMalloc.Amemalign(alignment, 3, n);
            Pattern.FillByte(dirty, CfaMalloc.MallocUsableSize(dirty), 0xFF);
            CfaMalloc.Free(dirty);
            void* p1 = CfaMalloc.Cmemalign(alignment, 3, n);
            void* p2 = CfaMalloc.Cmemalign(alignment, 3, n);
            Support.NotNull(p1, "Cmemalign");
            Support.NotNull(p2, "Cmemalign");
            Support.AssertBytes(p1, 3 * n, 0, $"Cmemalign({alignment}, 3, {n})");
            Support.AssertBytes(p2, 3 * n, 0, $"Cmemalign({alignment}, 3, {n})");
            Assert.True(CfaMalloc.MallocZeroFill(p1), "Cmemalign must set zero fill");
            CheckPair(p1, p2, alignment, 3 * n, $"Cmemalign({alignment}, 3, {n})");
        }
    }

    [Theory]
    [MemberData(nameof(AlignmentData))]
    public void AlignedResize_GivesTheNewAlignmentAndDropsZeroFill(ulong a)
    {
        nuint alignment = (nuint)a;
        foreach (nuint n in SizesFor(alignment))
        {
            void* o1 = CfaMalloc.Calloc(1, 50);
            void* o2 = CfaMalloc.Calloc(1, 50);
            void* p1 = CfaMalloc.AlignedResize(o1, alignment, n);
            void* p2 = CfaMalloc.AlignedResize(o2, alignment, n);
            Support.NotNull(p1, "AlignedResize");
            Assert.False(CfaMalloc.MallocZeroFill(p1), "AlignedResize keeps nothing sticky but the alignment");
            CheckPair(p1, p2, alignment, n, $"AlignedResize(calloc'd 50, {alignment}, {n})");
        }
    }

    [Theory]
    [MemberData(nameof(AlignmentData))]
    public void AlignedRealloc_GivesTheNewAlignmentAndKeepsContents(ulong a)
    {
        nuint alignment = (nuint)a;
        foreach (nuint n in SizesFor(alignment))
        {
            void* o1 = CfaMalloc.Malloc(50);
            void* o2 = CfaMalloc.Malloc(50);
            ulong seed1 = Pattern.SeedFor(o1, 50), seed2 = Pattern.SeedFor(o2, 50);
            Pattern.Fill(o1, 50, seed1);
            Pattern.Fill(o2, 50, seed2);
            void* p1 = CfaMalloc.AlignedRealloc(o1, alignment, n);
            void* p2 = CfaMalloc.AlignedRealloc(o2, alignment, n);
            Support.NotNull(p1, "AlignedRealloc");
            Support.NotNull(p2, "AlignedRealloc");
            nuint keep = Math.Min(n, 50);
            Support.AssertPattern(p1, keep, seed1, $"AlignedRealloc(50, {alignment}, {n}) contents");
            Support.AssertPattern(p2, keep, seed2, $"AlignedRealloc(50, {alignment}, {n}) contents");
            CheckPair(p1, p2, alignment, n, $"AlignedRealloc(50, {alignment}, {n})");
        }
    }

    [Fact]
    public void AlignmentsBelowSixteen_GiveSixteen()
    {
        foreach (nuint a in new nuint[] { 1, 2, 4, 8 })
        {
            void* m = CfaMalloc.Memalign(a, 40);
            void* al = CfaMalloc.AlignedAlloc(a, 40);
            void* am = CfaMalloc.Amemalign(a, 2, 20);
            void* cm = CfaMalloc.Cmemalign(a, 2, 20);
            void* ar = CfaMalloc.AlignedResize(CfaMalloc.Malloc(10), a, 40);
            void* ac = CfaMalloc.AlignedRealloc(CfaMalloc.Malloc(10), a, 40);
            foreach (var (p, name) in new[] { ((nint)m, "Memalign"), ((nint)al, "AlignedAlloc"), ((nint)am, "Amemalign"), ((nint)cm, "Cmemalign"), ((nint)ar, "AlignedResize"), ((nint)ac, "AlignedRealloc") })
            {
                Support.NotNull((void*)p, $"{name}({a})");
                Assert.True(p % 16 == 0, $"{name}({a}) = 0x{p:x} is not 16-byte aligned");
                Assert.True(CfaMalloc.MallocAlignment((void*)p) == 16, $"{name}({a}): MallocAlignment {CfaMalloc.MallocAlignment((void*)p)}, expected 16");
                Assert.Equal((nuint)40, CfaMalloc.MallocSize((void*)p));
                CfaMalloc.Free((void*)p);
            }
        }
        void* pm = null;
        Assert.Equal(0, CfaMalloc.PosixMemalign(&pm, 8, 40));
        Support.NotNull(pm, "PosixMemalign(8)");
        Assert.Equal((nuint)16, CfaMalloc.MallocAlignment(pm));
        CfaMalloc.Free(pm);
    }

    [Fact]
    public void AlignedAlloc_DoesNotRequireTheSizeToBeAMultipleOfTheAlignment()
    {
        void* p = CfaMalloc.AlignedAlloc(256, 300);
        Support.NotNull(p, "AlignedAlloc(256, 300)");
        Assert.True((nuint)p % 256 == 0);
        Assert.Equal((nuint)300, CfaMalloc.MallocSize(p));
        CfaMalloc.Free(p);
    }

    [Fact]
    public void ManyAlignedBlocksAtOnce_DoNotOverlap()
    {
        var rng = new Random(7);
        var live = new List<(nint P, ulong Seed, nuint Usable)>();
        for (int i = 0; i < 600; i++)
        {
            nuint a = (nuint)16 << rng.Next(0, 9);
            nuint n = (nuint)rng.Next(1, 3000);
            void* p = CfaMalloc.Memalign(a, n);
            Support.NotNull(p, $"Memalign({a}, {n})");
            Assert.True((nuint)p % a == 0);
            live.Add(((nint)p, Support.FillUsable(p), CfaMalloc.MallocUsableSize(p)));
        }
        foreach (var (p, seed, usable) in live)
        {
            Support.AssertPattern((void*)p, usable, seed, "aligned block among many");
            CfaMalloc.Free((void*)p);
        }
    }
}
