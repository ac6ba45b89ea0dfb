using Workbench.Allocator.Testing;
using static Workbench.Allocator.Probe.Report;

namespace Workbench.Allocator.Probe.Scenarios;

/// <summary>
/// 1,000 rounds of malloc, calloc, aligned_alloc(64) and realloc with their frees,
/// every block's bytes checked, all on the fast paths after the first round; reports the calls the statistics counted
/// for them (none with CFA_MALLOC_COUNT_FAST_PATHS=0), a large block's calls (the general paths, which always count),
/// and whether the printed statistics say that the fast paths did not count.
/// </summary>
internal static unsafe class UncountedFastPaths
{
    public static void Run()
    {
        bool ok = true;
        Round(ref ok);
        var s0 = CfaMalloc.GetStatistics();
        for (int i = 0; i < 1000; i++)
            Round(ref ok);
        var s1 = CfaMalloc.GetStatistics();
        Put("CONTENTS_OK", ok);
        Put("COUNTED", s1.FastPathsCounted);
        Put("FAST_CALLS", (s1.Malloc.Calls - s0.Malloc.Calls) + (s1.Calloc.Calls - s0.Calloc.Calls) + (s1.Memalign.Calls - s0.Memalign.Calls)
            + (s1.Realloc.Calls - s0.Realloc.Calls) + (s1.Free.Calls - s0.Free.Calls));
        void* large = CfaMalloc.Malloc(1 << 20);
        Pattern.FillByte(large, 1 << 20, 0x5A);
        ok &= Pattern.CheckByte(large, 1 << 20, 0x5A) < 0;
        CfaMalloc.Free(large);
        var s2 = CfaMalloc.GetStatistics();
        Put("LARGE_MALLOC_CALLS", s2.Malloc.Calls - s1.Malloc.Calls);
        Put("LARGE_FREE_CALLS", s2.Free.Calls - s1.Free.Calls);
        var text = new StringWriter();
        s2.WriteText(text);
        Put("PRINTED_NOTE", text.ToString().Contains("the fast paths do not count", StringComparison.Ordinal));
    }

    private static void Round(ref bool ok)
    {
        var m = (byte*)CfaMalloc.Malloc(100);
        Pattern.FillByte(m, 100, 0x11);
        var c = (byte*)CfaMalloc.Calloc(10, 10);
        ok &= Pattern.CheckByte(c, 100, 0) < 0;
        var a = (byte*)CfaMalloc.AlignedAlloc(64, 200);
        ok &= (nuint)a % 64 == 0;
        Pattern.FillByte(a, 200, 0x22);
        m = (byte*)CfaMalloc.Realloc(m, 110);
        ok &= Pattern.CheckByte(m, 100, 0x11) < 0 && Pattern.CheckByte(a, 200, 0x22) < 0;
        CfaMalloc.Free(m);
        CfaMalloc.Free(c);
        CfaMalloc.Free(a);
    }
}
