using Workbench.Allocator.Testing;

namespace Workbench.Allocator.Tests;

/// <summary>Sticky zero fill and alignment through chains of Realloc/Resize/AlignedRealloc/AlignedResize.</summary>
public unsafe class StickyPropertyTests
{
    private static void AssertProps(void* p, nuint alignment, bool zeroFill, nuint size, string step)
    {
        Assert.True(p != null, $"{step}: null (LastError {CfaMalloc.LastError})");
        Assert.True((nuint)p % alignment == 0, $"{step}: 0x{(nint)p:x} is not aligned to {alignment}");
        Assert.True(CfaMalloc.MallocAlignment(p) == alignment, $"{step}: MallocAlignment {CfaMalloc.MallocAlignment(p)}, expected {alignment}");
        Assert.True(CfaMalloc.MallocZeroFill(p) == zeroFill, $"{step}: MallocZeroFill {CfaMalloc.MallocZeroFill(p)}, expected {zeroFill}");
        Assert.True(CfaMalloc.MallocSize(p) == size, $"{step}: MallocSize {CfaMalloc.MallocSize(p)}, expected {size}");
        Assert.True(CfaMalloc.MallocUsableSize(p) >= size, $"{step}: usable {CfaMalloc.MallocUsableSize(p)} < {size}");
    }

    [Fact]
    public void ZeroFilledBlock_GrowingInPlace_ZeroesFromTheOldRequestSize()
    {
        byte* p = (byte*)CfaMalloc.Calloc(1, 100);
        nuint u = CfaMalloc.MallocUsableSize(p);
        Assert.True(u >= 110, $"usable {u}");
        Support.AssertBytes(p, 100, 0, "Calloc(1, 100)");
        // Dirty the whole usable size, including the slack past the request.
        Pattern.FillByte(p, u, 0x6B);
        // Shrink in place to 80, then grow in place to the usable size: bytes 80.. must be zero.
        byte* q = (byte*)CfaMalloc.Realloc(p, 80);
        Assert.True(q == p, "Realloc(100 -> 80) of a 112-byte block must stay in place");
        byte* r = (byte*)CfaMalloc.Realloc(q, u);
        Assert.True(r == p, "Realloc(80 -> usable) must stay in place");
        AssertProps(r, 16, true, u, "grown in place");
        Support.AssertBytes(r, 80, 0x6B, "kept prefix");
        Support.AssertBytes(r + 80, u - 80, 0, "grown tail of a zero-filled block (in place)");
        CfaMalloc.Free(r);
    }

    [Fact]
    public void ZeroFilledBlock_GrowingByMoving_ZeroesFromTheOldRequestSize()
    {
        foreach (nuint to in new nuint[] { 5000, 100_000, 900_000 })
        {
            byte* p = (byte*)CfaMalloc.Calloc(10, 10);
            nuint u = CfaMalloc.MallocUsableSize(p);
            Pattern.FillByte(p, u, 0x6B);
            byte* q = (byte*)CfaMalloc.Realloc(p, 60);
            Assert.True(q == p, "Realloc(100 -> 60) of a 112-byte block must stay in place");
            byte* r = (byte*)CfaMalloc.Realloc(q, to);
            AssertProps(r, 16, true, to, $"zero-filled block moved to {to}");
            Support.AssertBytes(r, 60, 0x6B, "kept prefix");
            Support.AssertBytes(r + 60, to - 60, 0, $"grown tail of a zero-filled block moved to {to}");
            CfaMalloc.Free(r);
        }
    }

    [Fact]
    public void ZeroFillAndAlignment_SurviveAChainOfReallocs()
    {
        nuint size = 300;
        byte* p = (byte*)CfaMalloc.Cmemalign(4096, 3, 100);
        AssertProps(p, 4096, true, size, "Cmemalign(4096, 3, 100)");
        Support.AssertBytes(p, size, 0, "Cmemalign contents");
        var rng = new Random(5);
        nuint[] steps = [5000, 200, 201, 100_000, 700_000, 1_500_000, 3000, 64, 20_000, 2_000_000, 10];
        foreach (nuint next in steps)
        {
            // Write a pattern over the current request (the zeroes must then come from realloc).
            ulong seed = Pattern.SeedFor(p, size);
            Pattern.Fill(p, size, seed);
            byte* q = (byte*)CfaMalloc.Realloc(p, next);
            AssertProps(q, 4096, true, next, $"Realloc({size} -> {next}){(q == p ? " in place" : " moved")}");
            Support.AssertPattern(q, Math.Min(size, next), seed, $"prefix after Realloc({size} -> {next})");
            if (next > size)
                Support.AssertBytes(q + size, next - size, 0, $"grown tail after Realloc({size} -> {next})");
            p = q;
            size = next;
        }
        CfaMalloc.Free(p);
    }

    [Fact]
    public void Alignment_SurvivesMovingReallocsWithoutZeroFill()
    {
        foreach (nuint alignment in new nuint[] { 32, 256, 4096, 65536, 1 << 20 })
        {
            nuint size = 100;
            byte* p = (byte*)CfaMalloc.Memalign(alignment, size);
            foreach (nuint next in new nuint[] { 10_000, 50, 600_000, 100, 3 })
            {
                ulong seed = Pattern.SeedFor(p, size);
                Pattern.Fill(p, size, seed);
                byte* q = (byte*)CfaMalloc.Realloc(p, next);
                AssertProps(q, alignment, false, next, $"Memalign({alignment}) Realloc({size} -> {next})");
                Support.AssertPattern(q, Math.Min(size, next), seed, $"prefix after Realloc({size} -> {next})");
                p = q;
                size = next;
            }
            CfaMalloc.Free(p);
        }
    }

    [Fact]
    public void AlignedRealloc_ChangesAlignmentKeepsZeroFillAndZeroesTheGrownTail()
    {
        byte* p = (byte*)CfaMalloc.Calloc(1, 200);
        Pattern.FillByte(p, 200, 0x21);
        nuint size = 200;
        foreach (var (alignment, next) in new (nuint, nuint)[] { (64, 300), (4096, 250), (4096, 9000), (256, 9100), (65536, 100_000), (16, 50), (2 << 20, 600_000), (64, 700_000) })
        {
            ulong seed = Pattern.SeedFor(p, size);
            Pattern.Fill(p, size, seed);
            byte* q = (byte*)CfaMalloc.AlignedRealloc(p, alignment, next);
            AssertProps(q, alignment, true, next, $"AlignedRealloc({size} -> {alignment}, {next})");
            Support.AssertPattern(q, Math.Min(size, next), seed, $"prefix after AlignedRealloc({size} -> {alignment}, {next})");
            if (next > size)
                Support.AssertBytes(q + size, next - size, 0, $"grown tail after AlignedRealloc({size} -> {alignment}, {next})");
            p = q;
            size = next;
        }
        CfaMalloc.Free(p);
    }

    [Fact]
    public void AlignedResize_KeepsOnlyTheNewAlignment()
    {
        void* p = CfaMalloc.Cmemalign(4096, 1, 100);
        foreach (var (alignment, next) in new (nuint, nuint)[] { (64, 100), (256, 5000), (16, 4000), (65536, 70_000), (128, 120) })
        {
            void* q = CfaMalloc.AlignedResize(p, alignment, next);
            AssertProps(q, alignment, false, next, $"AlignedResize({alignment}, {next})");
            Support.FillUsable(q);
            // A later realloc keeps the alignment AlignedResize gave.
            void* r = CfaMalloc.Realloc(q, next * 3);
            AssertProps(r, alignment, false, next * 3, $"Realloc after AlignedResize({alignment}, {next})");
            p = r;
        }
        CfaMalloc.Free(p);
    }

    [Fact]
    public void Resize_DropsStickinessAndLaterReallocsDoNotBringItBack()
    {
        void* p = CfaMalloc.Cmemalign(1024, 1, 500);
        void* q = CfaMalloc.Resize(p, 700);
        AssertProps(q, 16, false, 700, "Resize of a Cmemalign block");
        Support.FillUsable(q);
        void* r = CfaMalloc.Realloc(q, 40_000);
        AssertProps(r, 16, false, 40_000, "Realloc after Resize");
        CfaMalloc.Free(r);
    }

    [Fact]
    public void NonZeroFilledBlocks_StayNonZeroFilledThroughReallocs()
    {
        void* p = CfaMalloc.Malloc(10);
        foreach (nuint next in new nuint[] { 20, 2000, 1000, 800_000, 30 })
        {
            p = CfaMalloc.Realloc(p, next);
            AssertProps(p, 16, false, next, $"Realloc(-> {next})");
        }
        CfaMalloc.Free(p);
    }

    [Fact]
    public void MmapedZeroFilledBlock_ShrinkingAndGrowingKeepsZeroFill()
    {
        byte* p = (byte*)CfaMalloc.Calloc(1, 800_000);
        AssertProps(p, 16, true, 800_000, "Calloc(1, 800000)");
        Support.AssertBytes(p, 800_000, 0, "mmap'd Calloc");
        Pattern.FillByte(p, 800_000, 0x44);
        byte* q = (byte*)CfaMalloc.Realloc(p, 1000);
        AssertProps(q, 16, true, 1000, "mmap'd zero-filled block shrunk to 1000");
        Support.AssertBytes(q, 1000, 0x44, "kept prefix");
        byte* r = (byte*)CfaMalloc.Realloc(q, 1_200_000);
        AssertProps(r, 16, true, 1_200_000, "grown again to 1.2 MB");
        Support.AssertBytes(r, 1000, 0x44, "kept prefix");
        Support.AssertBytes(r + 1000, 1_200_000 - 1000, 0, "grown tail");
        CfaMalloc.Free(r);
    }
}
