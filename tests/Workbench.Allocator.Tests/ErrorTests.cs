using Workbench.Allocator.Testing;

namespace Workbench.Allocator.Tests;

/// <summary>Bad alignments, overflowing counts, sizes no machine can map, and LastError.</summary>
public unsafe class ErrorTests
{
    private static readonly nuint[] s_badAlignments = [0, 3, 5, 24, 48, 100, 1000, 3 << 20, nuint.MaxValue, ((nuint)1 << 40) + 16];

    private static readonly nuint[] s_hugeSizes =
    [
        nuint.MaxValue, nuint.MaxValue - 1, nuint.MaxValue - 15, nuint.MaxValue - 16, nuint.MaxValue - 4095,
        nuint.MaxValue - (1 << 20), nuint.MaxValue - (2 << 20) + 1, nuint.MaxValue / 2, (nuint)1 << 60, (nuint)1 << 50,
    ];

    private static readonly (nuint Count, nuint Size)[] s_overflows =
    [
        (nuint.MaxValue / 2 + 1, 2), (2, nuint.MaxValue / 2 + 1), ((nuint)1 << 32, (nuint)1 << 32),
        (3, nuint.MaxValue / 3 + 1), (nuint.MaxValue, nuint.MaxValue), (nuint.MaxValue, 2),
    ];

    /// <summary>Makes LastError something other than <paramref name="expected"/>, so the check below it means something.</summary>
    private static void PrimeLastErrorOtherThan(int expected)
    {
        if (expected == CfaMalloc.ENOMEM)
            Assert.True(CfaMalloc.Memalign(3, 16) == null && CfaMalloc.LastError == CfaMalloc.EINVAL, "priming LastError with EINVAL failed");
        else
            Assert.True(CfaMalloc.Malloc(nuint.MaxValue) == null && CfaMalloc.LastError == CfaMalloc.ENOMEM, "priming LastError with ENOMEM failed");
    }

    private static void ExpectNull(void* result, int errno, string call)
    {
        Assert.True(result == null, $"{call} returned 0x{(nint)result:x}, expected null");
        Assert.True(CfaMalloc.LastError == errno, $"{call}: LastError {CfaMalloc.LastError}, expected {errno}");
    }

    [Fact]
    public void ErrnoConstants_AreLinuxValues()
    {
        Assert.Equal(12, CfaMalloc.ENOMEM);
        Assert.Equal(22, CfaMalloc.EINVAL);
    }

    [Fact]
    public void BadAlignments_ReturnNullWithEinval()
    {
        Support.OnThread(() =>
        {
            foreach (nuint a in s_badAlignments)
            {
                PrimeLastErrorOtherThan(CfaMalloc.EINVAL);
                ExpectNull(CfaMalloc.Memalign(a, 64), CfaMalloc.EINVAL, $"Memalign({a}, 64)");
                PrimeLastErrorOtherThan(CfaMalloc.EINVAL);
                ExpectNull(CfaMalloc.AlignedAlloc(a, 64), CfaMalloc.EINVAL, $"AlignedAlloc({a}, 64)");
                PrimeLastErrorOtherThan(CfaMalloc.EINVAL);
                ExpectNull(CfaMalloc.Amemalign(a, 4, 16), CfaMalloc.EINVAL, $"Amemalign({a}, 4, 16)");
                PrimeLastErrorOtherThan(CfaMalloc.EINVAL);
                ExpectNull(CfaMalloc.Cmemalign(a, 4, 16), CfaMalloc.EINVAL, $"Cmemalign({a}, 4, 16)");
            }
        });
    }

    [Fact]
    public void AlignedReallocWithABadAlignment_FailsWithEinvalAndLeavesTheBlockIntact()
    {
        Support.OnThread(() =>
        {
            foreach (nuint a in s_badAlignments)
            {
                void* p = CfaMalloc.Malloc(100);
                ulong seed = Pattern.SeedFor(p, 100);
                Pattern.Fill(p, 100, seed);
                PrimeLastErrorOtherThan(CfaMalloc.EINVAL);
                ExpectNull(CfaMalloc.AlignedRealloc(p, a, 200), CfaMalloc.EINVAL, $"AlignedRealloc(p, {a}, 200)");
                Support.AssertPattern(p, 100, seed, "block after a failed AlignedRealloc");
                Assert.Equal((nuint)100, CfaMalloc.MallocSize(p));
                CfaMalloc.Free(p);
            }
        });
    }

    [Fact]
    public void AlignedResizeWithABadAlignment_FailsWithEinval()
    {
        Support.OnThread(() =>
        {
            foreach (nuint a in s_badAlignments)
            {
                // Whether a failed resize released the block is not said: the block is left alone.
                void* p = CfaMalloc.Malloc(100);
                PrimeLastErrorOtherThan(CfaMalloc.EINVAL);
                ExpectNull(CfaMalloc.AlignedResize(p, a, 200), CfaMalloc.EINVAL, $"AlignedResize(p, {a}, 200)");
            }
        });
    }

    [Fact]
    public void PosixMemalign_RejectsBadAlignmentsWithEinvalAndLeavesResultUntouched()
    {
        foreach (nuint a in new nuint[] { 0, 1, 2, 4, 3, 12, 24, 100, nuint.MaxValue })
        {
            void* sentinel = (void*)0xDEADBEE0;
            void* result = sentinel;
            int rc = CfaMalloc.PosixMemalign(&result, a, 64);
            Assert.True(rc == CfaMalloc.EINVAL, $"PosixMemalign(&r, {a}, 64) = {rc}, expected EINVAL");
            Assert.True(result == sentinel, $"PosixMemalign(&r, {a}, 64) wrote *result on error");
        }
    }

    [Fact]
    public void PosixMemalign_ReportsEnomemAndLeavesResultUntouched()
    {
        Support.OnThread(() =>
        {
            foreach (nuint n in s_hugeSizes)
            {
                void* sentinel = (void*)0xDEADBEE0;
                void* result = sentinel;
                int rc = CfaMalloc.PosixMemalign(&result, 64, n);
                Assert.True(rc == CfaMalloc.ENOMEM, $"PosixMemalign(&r, 64, {n}) = {rc}, expected ENOMEM");
                Assert.True(result == sentinel, $"PosixMemalign(&r, 64, {n}) wrote *result on error");
            }
        });
    }

    [Fact]
    public void PosixMemalign_Errors_AlsoSetLastError()
    {
        void* result = null;
        PrimeLastErrorOtherThan(CfaMalloc.EINVAL);
        Assert.Equal(CfaMalloc.EINVAL, CfaMalloc.PosixMemalign(&result, 4, 64));
        Assert.Equal(CfaMalloc.EINVAL, CfaMalloc.LastError);
        PrimeLastErrorOtherThan(CfaMalloc.ENOMEM);
        Assert.Equal(CfaMalloc.ENOMEM, CfaMalloc.PosixMemalign(&result, 64, nuint.MaxValue));
        Assert.Equal(CfaMalloc.ENOMEM, CfaMalloc.LastError);
    }

    [Fact]
    public void CountTimesSizeOverflow_ReturnsNullWithEnomem()
    {
        Support.OnThread(() =>
        {
            foreach (var (c, s) in s_overflows)
            {
                PrimeLastErrorOtherThan(CfaMalloc.ENOMEM);
                ExpectNull(CfaMalloc.Calloc(c, s), CfaMalloc.ENOMEM, $"Calloc({c}, {s})");
                PrimeLastErrorOtherThan(CfaMalloc.ENOMEM);
                ExpectNull(CfaMalloc.Aalloc(c, s), CfaMalloc.ENOMEM, $"Aalloc({c}, {s})");
                PrimeLastErrorOtherThan(CfaMalloc.ENOMEM);
                ExpectNull(CfaMalloc.Amemalign(64, c, s), CfaMalloc.ENOMEM, $"Amemalign(64, {c}, {s})");
                PrimeLastErrorOtherThan(CfaMalloc.ENOMEM);
                ExpectNull(CfaMalloc.Cmemalign(64, c, s), CfaMalloc.ENOMEM, $"Cmemalign(64, {c}, {s})");
                PrimeLastErrorOtherThan(CfaMalloc.ENOMEM);
                ExpectNull(CfaMalloc.ReallocArray(null, c, s), CfaMalloc.ENOMEM, $"ReallocArray(null, {c}, {s})");

                void* p = CfaMalloc.Malloc(100);
                ulong seed = Pattern.SeedFor(p, 100);
                Pattern.Fill(p, 100, seed);
                PrimeLastErrorOtherThan(CfaMalloc.ENOMEM);
                ExpectNull(CfaMalloc.ReallocArray(p, c, s), CfaMalloc.ENOMEM, $"ReallocArray(p, {c}, {s})");
                Support.AssertPattern(p, 100, seed, "block after a failed ReallocArray");
                Assert.Equal((nuint)100, CfaMalloc.MallocSize(p));
                CfaMalloc.Free(p);
            }
        });
    }

    [Fact]
    public void HugeSizes_ReturnNullWithEnomem_WithoutCrashOrHang()
    {
        Support.OnThread(() =>
        {
            foreach (nuint n in s_hugeSizes)
            {
                PrimeLastErrorOtherThan(CfaMalloc.ENOMEM);
                ExpectNull(CfaMalloc.Malloc(n), CfaMalloc.ENOMEM, $"Malloc({n})");
                PrimeLastErrorOtherThan(CfaMalloc.ENOMEM);
                ExpectNull(CfaMalloc.Calloc(1, n), CfaMalloc.ENOMEM, $"Calloc(1, {n})");
                PrimeLastErrorOtherThan(CfaMalloc.ENOMEM);
                ExpectNull(CfaMalloc.Aalloc(1, n), CfaMalloc.ENOMEM, $"Aalloc(1, {n})");
                PrimeLastErrorOtherThan(CfaMalloc.ENOMEM);
                ExpectNull(CfaMalloc.Memalign(4096, n), CfaMalloc.ENOMEM, $"Memalign(4096, {n})");
                PrimeLastErrorOtherThan(CfaMalloc.ENOMEM);
                ExpectNull(CfaMalloc.AlignedAlloc(2 << 20, n), CfaMalloc.ENOMEM, $"AlignedAlloc(2 MiB, {n})");
                PrimeLastErrorOtherThan(CfaMalloc.ENOMEM);
                ExpectNull(CfaMalloc.Amemalign(64, 1, n), CfaMalloc.ENOMEM, $"Amemalign(64, 1, {n})");
                PrimeLastErrorOtherThan(CfaMalloc.ENOMEM);
                ExpectNull(CfaMalloc.Cmemalign(64, 1, n), CfaMalloc.ENOMEM, $"Cmemalign(64, 1, {n})");
                PrimeLastErrorOtherThan(CfaMalloc.ENOMEM);
                ExpectNull(CfaMalloc.Valloc(n), CfaMalloc.ENOMEM, $"Valloc({n})");
                PrimeLastErrorOtherThan(CfaMalloc.ENOMEM);
                ExpectNull(CfaMalloc.Pvalloc(n), CfaMalloc.ENOMEM, $"Pvalloc({n})");
                PrimeLastErrorOtherThan(CfaMalloc.ENOMEM);
                ExpectNull(CfaMalloc.Realloc(null, n), CfaMalloc.ENOMEM, $"Realloc(null, {n})");
            }
        }, 60_000);
    }

    [Fact]
    public void HugePowerOfTwoAlignment_ReturnsNullWithEnomem()
    {
        Support.OnThread(() =>
        {
            foreach (nuint a in new nuint[] { (nuint)1 << 62, (nuint)1 << 63, (nuint)1 << 50 })
            {
                PrimeLastErrorOtherThan(CfaMalloc.ENOMEM);
                ExpectNull(CfaMalloc.Memalign(a, 16), CfaMalloc.ENOMEM, $"Memalign(2^{System.Numerics.BitOperations.Log2(a)}, 16)");
            }
        }, 60_000);
    }

    [Fact]
    public void FailedRealloc_LeavesTheOldBlockIntact()
    {
        Support.OnThread(() =>
        {
            foreach (bool zero in new[] { false, true })
            {
                foreach (nuint start in new nuint[] { 100, 5000, 700_000 })
                {
                    void* p = zero ? CfaMalloc.Calloc(1, start) : CfaMalloc.Memalign(256, start);
                    Support.NotNull(p, "setup");
                    ulong seed = Pattern.SeedFor(p, start);
                    Pattern.Fill(p, start, seed);
                    foreach (nuint n in s_hugeSizes)
                    {
                        PrimeLastErrorOtherThan(CfaMalloc.ENOMEM);
                        ExpectNull(CfaMalloc.Realloc(p, n), CfaMalloc.ENOMEM, $"Realloc({start}-byte block, {n})");
                        PrimeLastErrorOtherThan(CfaMalloc.ENOMEM);
                        ExpectNull(CfaMalloc.AlignedRealloc(p, 64, n), CfaMalloc.ENOMEM, $"AlignedRealloc({start}-byte block, 64, {n})");
                    }
                    Support.AssertPattern(p, start, seed, "block after failed reallocs");
                    Assert.Equal(start, CfaMalloc.MallocSize(p));
                    Assert.Equal(zero, CfaMalloc.MallocZeroFill(p));
                    Assert.Equal(zero ? (nuint)16 : 256, CfaMalloc.MallocAlignment(p));
                    // Still a good block: it reallocs and frees normally.
                    void* q = CfaMalloc.Realloc(p, start * 2);
                    Support.NotNull(q, "Realloc after failures");
                    Support.AssertPattern(q, start, seed, "contents moved after failures");
                    CfaMalloc.Free(q);
                }
            }
        }, 60_000);
    }

    [Fact]
    public void ResizeToAHugeSize_ReturnsNullWithEnomem()
    {
        Support.OnThread(() =>
        {
            // Whether the failed resize released the block is not said: the block is left alone.
            void* p = CfaMalloc.Malloc(100);
            PrimeLastErrorOtherThan(CfaMalloc.ENOMEM);
            ExpectNull(CfaMalloc.Resize(p, nuint.MaxValue), CfaMalloc.ENOMEM, "Resize(p, max)");
            void* q = CfaMalloc.Malloc(100);
            PrimeLastErrorOtherThan(CfaMalloc.ENOMEM);
            ExpectNull(CfaMalloc.AlignedResize(q, 64, (nuint)1 << 60), CfaMalloc.ENOMEM, "AlignedResize(p, 64, 2^60)");
        }, 60_000);
    }

    [Fact]
    public void LastError_IsPerThreadAndNotClearedBySuccess()
    {
        Support.OnThread(() =>
        {
            Assert.True(CfaMalloc.Malloc(nuint.MaxValue) == null);
            Assert.Equal(CfaMalloc.ENOMEM, CfaMalloc.LastError);
            void* p = CfaMalloc.Malloc(10);
            Support.NotNull(p, "Malloc(10)");
            Assert.Equal(CfaMalloc.ENOMEM, CfaMalloc.LastError);
            CfaMalloc.Free(p);
            Assert.Equal(CfaMalloc.ENOMEM, CfaMalloc.LastError);
            Support.OnThread(() =>
            {
                Assert.Equal(0, CfaMalloc.LastError);
                Assert.True(CfaMalloc.Memalign(24, 10) == null);
                Assert.Equal(CfaMalloc.EINVAL, CfaMalloc.LastError);
            });
            Assert.Equal(CfaMalloc.ENOMEM, CfaMalloc.LastError);
        });
    }
}
