using static Workbench.Allocator.Probe.Report;

namespace Workbench.Allocator.Probe.Scenarios;

/// <summary>
/// Leaves blocks of every kind unfreed (small, zeroed, aligned, mapped, of zero bytes, from another thread, moved
/// by realloc) and reports what <see cref="CfaMalloc.Unfreed"/> lists beside what it should list.
/// </summary>
internal static unsafe class UnfreedReport
{
    public static void Run()
    {
        Put("IS_CHECKED", CfaMalloc.IsChecked);
        var baseline = CfaMalloc.Unfreed().Select(b => b.Address).ToHashSet();
        Put("BASELINE_COUNT", baseline.Count);
        void* a = CfaMalloc.Malloc(100);
        void* b = CfaMalloc.Calloc(10, 10);
        void* c = CfaMalloc.Memalign(4096, 300);
        void* d = CfaMalloc.Malloc(700_000);
        void* e = CfaMalloc.Malloc(50);
        void* g = CfaMalloc.Malloc(0);
        nint f = 0;
        var t = new Thread(() => f = (nint)CfaMalloc.Malloc(200));
        t.Start();
        t.Join();
        CfaMalloc.Free(b);
        CfaMalloc.Free(e);
        // A moved block is listed at its new address only; a block freed with Realloc(p, 0) not at all.
        void* m = CfaMalloc.Malloc(10);
        void* moved = CfaMalloc.Realloc(m, 5000);
        Put("MOVED", moved != m);
        void* gone = CfaMalloc.Malloc(10);
        CfaMalloc.Realloc(gone, 0);
        var expected = new (nint P, nuint Size)[] { ((nint)a, 100), ((nint)c, 300), ((nint)d, 700_000), ((nint)g, 0), (f, 200), ((nint)moved, 5000) };
        Put("EXPECTED", string.Join(",", expected.Select(x => $"{Hex(x.P)}:{x.Size}")));
        var listed = CfaMalloc.Unfreed().Where(x => !baseline.Contains(x.Address)).ToList();
        Put("LISTED", string.Join(",", listed.Select(x => $"{Hex((nint)x.Address)}:{x.Size}")));
        foreach (var x in expected)
            CfaMalloc.Free((void*)x.P);
        var after = CfaMalloc.Unfreed().Where(x => !baseline.Contains(x.Address)).ToList();
        Put("AFTER_EXTRA", after.Count);
        // The report at exit: two blocks of 1000 bytes left, then allowed for by MallocUnfreed.
        void* left1 = CfaMalloc.Malloc(1000), left2 = CfaMalloc.Malloc(1000);
        ulong baseBytes = (ulong)CfaMalloc.Unfreed().Where(x => baseline.Contains(x.Address)).Sum(x => (long)x.Size);
        Put("LEFT", Hex(left1));
        var report = new StringWriter();
        Put("REPORTED", CfaMalloc.WriteUnfreedReport(report));
        Put("REPORT", report.ToString().Trim());
        Put("REPORT_BYTES_EXPECTED", baseBytes + 2000);
        CfaMalloc.MallocUnfreed = (nuint)(baseBytes + 2000);
        Put("ALLOWED_REPORTED", CfaMalloc.WriteUnfreedReport(TextWriter.Null));
        CfaMalloc.MallocUnfreed = 0;
        CfaMalloc.Free(left1);
        CfaMalloc.Free(left2);
    }
}
