using Workbench.Allocator.Testing;
using static Workbench.Allocator.Probe.Report;

namespace Workbench.Allocator.Probe.Scenarios;

/// <summary>
/// The mapping cache's size follows the large blocks a program holds: 200 blocks of 1 MiB are allocated, a quarter of
/// them freed (the cache may then hold more than its fixed 32 MiB), then the rest (it falls back to 32 MiB); reports
/// the cache's bytes and the unmaps at each step, and whether blocks taken from the cache hold what was written.
/// </summary>
internal static unsafe class MappingCacheFollows
{
    public static void Run()
    {
        const int N = 200;
        const nuint Size = 1024 * 1024;
        var blocks = new nint[N];
        for (int i = 0; i < N; i++)
        {
            blocks[i] = (nint)CfaMalloc.Malloc(Size);
            Pattern.FillByte((void*)blocks[i], Size, (byte)i);
        }
        var s0 = CfaMalloc.GetStatistics();
        for (int i = 0; i < N / 4; i++)
            CfaMalloc.Free((void*)blocks[i]);
        var s1 = CfaMalloc.GetStatistics();
        Put("QUARTER_CACHED", s1.MappingCacheBytes);
        Put("QUARTER_UNMAPS", s1.MunmapCalls - s0.MunmapCalls);
        // Taken again from the cache: no new mapping, and each block keeps what is written into it.
        bool ok = true;
        for (int i = 0; i < N / 4; i++)
        {
            blocks[i] = (nint)CfaMalloc.Malloc(Size);
            Pattern.FillByte((void*)blocks[i], Size, (byte)(i + 7));
        }
        var s2 = CfaMalloc.GetStatistics();
        Put("RETAKEN_MAPS", s2.MmapCalls - s1.MmapCalls);
        for (int i = 0; i < N; i++)
        {
            ok &= Pattern.CheckByte((void*)blocks[i], Size, (byte)(i < N / 4 ? i + 7 : i)) < 0;
            CfaMalloc.Free((void*)blocks[i]);
        }
        var s3 = CfaMalloc.GetStatistics();
        Put("CONTENTS_OK", ok);
        Put("ALL_FREED_CACHED", s3.MappingCacheBytes);
        Put("FIXED_LIMIT", 32L * 1024 * 1024);
    }
}
