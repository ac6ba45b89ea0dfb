using Workbench.Benchmarks.Allocators;
using Workbench.Benchmarks.Model;

namespace Workbench.Benchmarks.Tests;

/// <summary>Each installed allocator does a malloc/write/read/free round trip, and its other routines work.</summary>
public sealed class AdapterTests
{
    private static void RoundTrip<TAllocator>(TAllocator allocator)
        where TAllocator : struct, IAllocator
    {
        foreach (nuint size in new nuint[] { 1, 16, 100, 4096, 100_000, 1 << 21 })
        {
            Block b = allocator.Malloc(size);
            Assert.False(b.IsNull);
            b.Fill(0x5A);
            b.Touch(7);
            Assert.Equal(14, b.ReadEnds());
            if (size >= 3)
            {
                Assert.Equal(0x5A, b.At(size / 2));
            }
            allocator.Free(b);
        }
        AllocatorFeatures features = allocator.Features;
        if ((features & AllocatorFeatures.Calloc) != 0)
        {
            Block z = allocator.Calloc(100, 10);
            Assert.Equal((nuint)1000, z.Size);
            Assert.True(z.IsZero());
            allocator.Free(z);
        }
        if ((features & AllocatorFeatures.Realloc) != 0)
        {
            Block r = allocator.Malloc(64);
            r.Fill(9);
            r = allocator.Realloc(r, 10_000);
            Assert.False(r.IsNull);
            for (nuint i = 0; i < 64; i++)
            {
                Assert.Equal(9, r.At(i));
            }
            r.Touch(1);
            allocator.Free(r);
        }
        if ((features & AllocatorFeatures.Aligned) != 0)
        {
            Block a = allocator.AlignedAlloc(256, 1000);
            Assert.Equal(0, a.Address & 255);
            a.Touch(3);
            allocator.AlignedFree(a);
        }
    }

    public static TheoryData<string> NativeInProcess() => ["glibc", "tcmalloc", "mimalloc", "tbb"];

    [Theory]
    [MemberData(nameof(NativeInProcess))]
    public void InstalledNativeAllocatorRoundTrips(string name)
    {
        AllocatorInfo info = AllocatorCatalog.Find(name)!;
        if (info.Unavailable is not null)
        {
            // Not installed on this machine: setup.sh installs it where it can; nothing to test here.
            return;
        }
        RoundTrip(new NativeAllocator(NativeFunctions.Load(info.Library!)));
    }

    [Fact]
    public void ManagedAllocatorsAndTheFloorRoundTrip()
    {
        RoundTrip(new NativeMemoryAllocator());
        RoundTrip(new GcAllocator());
        RoundTrip(new ArrayPoolAllocator());
        RoundTrip(new BumpAllocator());
        BumpAllocator.ReleaseAll();
        RoundTrip(new LifoAllocator());
        LifoAllocator.ReleaseAll();
    }

    [Fact]
    public void CfaRoundTrips()
    {
        RoundTrip(new CfaAllocator());
    }

    [Fact]
    public void JemallocRoundTripsInItsOwnProcess()
    {
        // jemalloc needs GLIBC_TUNABLES at process start, so its round trip runs in a trial process.
        AllocatorInfo info = AllocatorCatalog.Find("jemalloc")!;
        if (info.Unavailable is not null)
        {
            return;
        }
        TrialSpec spec = TestRuns.Trial("speed", "jemalloc", 1, "uniform:1-5000", new() { ["calls"] = 1000 });
        TrialResult result = TestRuns.Launcher().Run(spec, TimeSpan.FromSeconds(120));
        Assert.True(result.Status == TrialStatus.Ok, result.Message);
        Assert.True(result.Metrics.ContainsKey("speed_aligned_free_ns"));
        Assert.True(result.Metrics.ContainsKey("speed_realloc_grow_ns"));
        // The realloc chain (to chain_max, 1 MiB) reports its own figure and stays out of the row's ns per call.
        Assert.True(result.Metrics["speed_realloc_chain_ns"] > 0);
        double[] routines = [.. new[] { "malloc_free", "batch", "calloc_free", "realloc_grow", "realloc_shrink", "aligned_free" }.Select(r => result.Metrics[$"speed_{r}_ns"])];
        double shortest = routines.Min();
        double longest = routines.Max();
        Assert.True(result.NsPerOp >= shortest * 0.5 && result.NsPerOp <= longest * 2, $"row {result.NsPerOp} ns per call, routines {shortest}..{longest}");
    }

    [Fact]
    public void AMissingLibraryIsSkippedWithItsDebianPackage()
    {
        NativeLibrarySpec missing = NativeLibrarySpec.Jemalloc with { LibraryFile = "libnosuchalloc.so.9", Package = "libnosuchalloc9" };
        AllocatorInfo info = AllocatorCatalog.Find("jemalloc")! with { Name = "nosuch", Library = missing };
        Assert.Equal("skipped: nosuch: libnosuchalloc.so.9 not found (Debian package libnosuchalloc9)", info.Unavailable);
        Assert.Throws<DllNotFoundException>(() => NativeFunctions.Load(missing));
    }

    [Fact]
    public void CatalogueNamesAreTheDocumentedOnesAndCrashIsHidden()
    {
        Assert.Equal("cfa,cfa-noown,cfa-nopf,cfa-aot,glibc,jemalloc,tcmalloc,mimalloc,tbb,nativememory,gc,arraypool,bump,lifo", AllocatorCatalog.Names);
        Assert.True(AllocatorCatalog.Find("crash")!.Hidden);
        Assert.Equal("glibc.rtld.optional_static_tls=2048", AllocatorCatalog.Find("jemalloc")!.Environment["GLIBC_TUNABLES"]);
        Assert.Equal("0", AllocatorCatalog.Find("cfa-noown")!.Environment["CFA_MALLOC_OWNERSHIP"]);
        Assert.Equal("0", AllocatorCatalog.Find("cfa-nopf")!.Environment["CFA_MALLOC_PREFAULT"]);
        Assert.Equal("1", AllocatorCatalog.Find("cfa-nopf")!.Environment["CFA_MALLOC_OWNERSHIP"]);
        // Every cfa variant reports cfa-malloc's own statistics; a native peer reports none.
        Assert.All(new[] { "cfa", "cfa-noown", "cfa-nopf", "cfa-aot" }, name => Assert.Contains("cfa_malloc_calls", AllocatorCatalog.SelfStatistics(name).Keys));
        Assert.Empty(AllocatorCatalog.SelfStatistics("glibc"));
    }
}
