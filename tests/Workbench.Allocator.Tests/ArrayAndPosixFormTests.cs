namespace Workbench.Allocator.Tests;

/// <summary>llheap's array forms (resizearray and the aligned ones) and POSIX forms (posix_realloc and the rest).</summary>
public unsafe class ArrayAndPosixFormTests
{
    private static readonly nuint s_huge = nuint.MaxValue / 2;

    [Fact]
    public void ArrayForms_AreTheirBaseRoutine_OnTheProduct()
    {
        byte* p = (byte*)CfaMalloc.ResizeArray(null, 10, 30);
        Assert.True(p != null);
        Assert.Equal((nuint)300, CfaMalloc.MallocSize(p));
        new Span<byte>(p, 300).Fill(4);
        p = (byte*)CfaMalloc.AlignedReallocArray(p, 256, 20, 30);
        Assert.True(p != null && (nuint)p % 256 == 0);
        Assert.Equal((nuint)600, CfaMalloc.MallocSize(p));
        Assert.Equal((nuint)256, CfaMalloc.MallocAlignment(p));
        Assert.True(new Span<byte>(p, 300).IndexOfAnyExcept((byte)4) < 0);
        p = (byte*)CfaMalloc.AlignedResizeArray(p, 1024, 4, 100);
        Assert.True(p != null && (nuint)p % 1024 == 0);
        Assert.Equal((nuint)400, CfaMalloc.MallocSize(p));
        CfaMalloc.Free(p);
    }

    [Fact]
    public void ArrayForms_FailWithEnomemOnOverflow_AndLeaveTheBlock()
    {
        byte* p = (byte*)CfaMalloc.Malloc(100);
        new Span<byte>(p, 100).Fill(7);
        Assert.True(CfaMalloc.ResizeArray(p, s_huge, 4) == null);
        Assert.Equal(CfaMalloc.ENOMEM, CfaMalloc.LastError);
        Assert.True(CfaMalloc.AlignedResizeArray(p, 64, 3, s_huge) == null);
        Assert.Equal(CfaMalloc.ENOMEM, CfaMalloc.LastError);
        Assert.True(CfaMalloc.AlignedReallocArray(p, 64, s_huge, s_huge) == null);
        Assert.Equal(CfaMalloc.ENOMEM, CfaMalloc.LastError);
        Assert.Equal((nuint)100, CfaMalloc.MallocSize(p));
        Assert.True(new Span<byte>(p, 100).IndexOfAnyExcept((byte)7) < 0);
        CfaMalloc.Free(p);
    }

    [Fact]
    public void PosixForms_StoreTheNewBlock_OrReturnTheCode_LeavingTheBlock()
    {
        void* p = CfaMalloc.Malloc(400);
        new Span<byte>(p, 400).Fill(6);
        Assert.Equal(0, CfaMalloc.PosixRealloc(&p, 5000));
        Assert.Equal((nuint)5000, CfaMalloc.MallocSize(p));
        Assert.True(new Span<byte>(p, 400).IndexOfAnyExcept((byte)6) < 0);
        void* kept = p;
        Assert.Equal(CfaMalloc.ENOMEM, CfaMalloc.PosixRealloc(&p, s_huge));
        Assert.True(p == kept);
        Assert.Equal(CfaMalloc.ENOMEM, CfaMalloc.PosixReallocArray(&p, s_huge, 3));
        Assert.True(p == kept);
        Assert.Equal(CfaMalloc.EINVAL, CfaMalloc.PosixAlignedRealloc(&p, 3, 100));
        Assert.Equal(CfaMalloc.ENOMEM, CfaMalloc.PosixAlignedReallocArray(&p, 64, s_huge, s_huge));
        Assert.True(p == kept);
        Assert.Equal((nuint)5000, CfaMalloc.MallocSize(p));
        Assert.True(new Span<byte>(p, 400).IndexOfAnyExcept((byte)6) < 0);
        Assert.Equal(0, CfaMalloc.PosixAlignedReallocArray(&p, 4096, 10, 10));
        Assert.True((nuint)p % 4096 == 0);
        Assert.Equal((nuint)100, CfaMalloc.MallocSize(p));
        Assert.True(new Span<byte>(p, 100).IndexOfAnyExcept((byte)6) < 0);
        Assert.Equal(0, CfaMalloc.PosixReallocArray(&p, 30, 10));
        Assert.Equal((nuint)300, CfaMalloc.MallocSize(p));
        // A size of 0 frees the block and stores null, as realloc; a null address of the pointer is EINVAL.
        Assert.Equal(0, CfaMalloc.PosixRealloc(&p, 0));
        Assert.True(p == null);
        Assert.Equal(CfaMalloc.EINVAL, CfaMalloc.PosixRealloc(null, 10));
    }
}
