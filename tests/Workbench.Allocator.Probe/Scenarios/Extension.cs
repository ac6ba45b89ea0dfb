using static Workbench.Allocator.Probe.Report;

namespace Workbench.Allocator.Probe.Scenarios;

/// <summary>
/// Reports how many times and by how many bytes the heap's storage was extended while 24 Ki blocks of 1 KiB were
/// allocated, and whether the blocks kept what was written into them.
/// </summary>
internal static unsafe class Extension
{
    /// <summary>Allocates 24 Ki blocks of 1 KiB (after a warm-up block).</summary>
    public static void Run()
    {
        void* warm = CfaMalloc.Malloc(1);
        CfaMalloc.Free(warm);
        var s0 = CfaMalloc.GetStatistics();
        const int N = 24 * 1024;
        var blocks = new nint[N];
        for (int i = 0; i < N; i++)
        {
            blocks[i] = (nint)CfaMalloc.Malloc(1024);
            *(long*)blocks[i] = i;
        }
        var s1 = CfaMalloc.GetStatistics();
        Put("EXTEND_CALLS", s1.ExtendCalls - s0.ExtendCalls);
        Put("EXTEND_BYTES", s1.ExtendBytes - s0.ExtendBytes);
        bool ok = true;
        for (int i = 0; i < N; i++)
        {
            ok &= *(long*)blocks[i] == i;
            CfaMalloc.Free((void*)blocks[i]);
        }
        Put("INTACT", ok);
    }

    /// <summary>The same run after M_TOP_PAD is set to 1 MiB.</summary>
    public static void RunWithTopPad()
    {
        void* warm = CfaMalloc.Malloc(1);
        CfaMalloc.Free(warm);
        Put("MALLOPT", CfaMalloc.Mallopt(CfaMalloc.M_TOP_PAD, 1 << 20));
        Run();
    }
}
