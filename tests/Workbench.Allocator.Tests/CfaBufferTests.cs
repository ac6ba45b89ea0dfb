using System.Runtime.InteropServices;

namespace Workbench.Allocator.Tests;

/// <summary>The typed face: CfaMalloc.Alloc&lt;T&gt; and CfaBuffer&lt;T&gt;.</summary>
public unsafe class CfaBufferTests
{
    [Fact]
    public void Alloc_GivesASpanOverAnAllocatorBlock()
    {
        var s0 = CfaMalloc.GetStatistics();
        using (var buf = CfaMalloc.Alloc<int>(100))
        {
            Assert.Equal(100, buf.Length);
            Assert.Equal(100, buf.Span.Length);
            Assert.True(buf.Address != 0 && buf.Address % 16 == 0);
            fixed (int* s = buf.Span)
                Assert.True((nint)s == buf.Address, "the span starts at Address");
            Assert.True(CfaMalloc.MallocSize((void*)buf.Address) >= 400);
            Assert.Equal((nuint)16, CfaMalloc.MallocAlignment((void*)buf.Address));
            for (int i = 0; i < 100; i++)
                buf.Span[i] = i * 3;
            for (int i = 0; i < 100; i++)
                Assert.Equal(i * 3, ((int*)buf.Address)[i]);
        }
        var s1 = CfaMalloc.GetStatistics();
        Assert.Equal(s0.BytesInUse, s1.BytesInUse);
    }

    [Fact]
    public void Alloc_HonoursAlignmentAndZeroFill()
    {
        // Dirty storage first so that zero fill is not just fresh pages.
        using (var dirty = CfaMalloc.Alloc<long>(512, 4096))
            dirty.Span.Fill(-1);
        using var buf = CfaMalloc.Alloc<long>(512, 4096, zeroFill: true);
        Assert.True(buf.Address % 4096 == 0);
        Assert.Equal((nuint)4096, CfaMalloc.MallocAlignment((void*)buf.Address));
        Assert.True(CfaMalloc.MallocZeroFill((void*)buf.Address));
        foreach (long v in buf.Span)
            Assert.Equal(0L, v);
        using var plain = CfaMalloc.Alloc<byte>(10);
        Assert.False(CfaMalloc.MallocZeroFill((void*)plain.Address));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    [InlineData(48)]
    public void Alloc_RefusesAnAlignmentThatIsNoPowerOfTwo(int alignment)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => CfaMalloc.Alloc<int>(10, (nuint)alignment));
        Assert.Equal("alignment", e.ParamName);
        Assert.Contains("power of two", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(8)]
    [InlineData(64)]
    public void Alloc_TakesEveryPowerOfTwoAlignment(int alignment)
    {
        using var buf = CfaMalloc.Alloc<byte>(100, (nuint)alignment);
        fixed (byte* p = buf.Span)
            Assert.Equal(0u, (nuint)p % (nuint)Math.Max(alignment, 16));
    }

    [Fact]
    public void Realloc_KeepsContentsAlignmentAndZeroFill()
    {
        using var buf = CfaMalloc.Alloc<int>(10, 256, zeroFill: true);
        for (int i = 0; i < 10; i++)
            buf.Span[i] = i + 1;
        buf.Realloc(5000);
        Assert.Equal(5000, buf.Length);
        Assert.Equal(5000, buf.Span.Length);
        Assert.True(buf.Address % 256 == 0);
        Assert.Equal((nuint)256, CfaMalloc.MallocAlignment((void*)buf.Address));
        Assert.True(CfaMalloc.MallocZeroFill((void*)buf.Address));
        for (int i = 0; i < 10; i++)
            Assert.Equal(i + 1, buf.Span[i]);
        for (int i = 10; i < 5000; i++)
            Assert.True(buf.Span[i] == 0, $"element {i} of the grown zero-filled buffer is {buf.Span[i]}");
        buf.Realloc(3);
        Assert.Equal(3, buf.Length);
        Assert.Equal(new[] { 1, 2, 3 }, buf.Span.ToArray());
    }

    [Fact]
    public void Dispose_IsIdempotentAndTheSpanIsThenUnavailable()
    {
        var s0 = CfaMalloc.GetStatistics();
        var buf = CfaMalloc.Alloc<double>(64);
        buf.Span[0] = 1.5;
        buf.Dispose();
        var s1 = CfaMalloc.GetStatistics();
        buf.Dispose();
        var s2 = CfaMalloc.GetStatistics();
        Assert.Equal(s0.BytesInUse, s1.BytesInUse);
        Assert.Equal(1, s1.Free.Calls - s0.Free.Calls);
        Assert.Equal(0, s2.Free.Calls - s1.Free.Calls);
        Assert.Throws<ObjectDisposedException>(() => { _ = buf.Span.Length; });
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct Triple
    {
        public long A;
        public int B;
        public short C;
    }

    [Fact]
    public void Alloc_WorksForStructs()
    {
        using var buf = CfaMalloc.Alloc<Triple>(1000);
        Assert.True(CfaMalloc.MallocSize((void*)buf.Address) >= (nuint)(1000 * sizeof(Triple)));
        for (int i = 0; i < 1000; i++)
            buf.Span[i] = new Triple { A = i, B = -i, C = (short)i };
        for (int i = 0; i < 1000; i++)
            Assert.Equal(-i, buf.Span[i].B);
    }
}
