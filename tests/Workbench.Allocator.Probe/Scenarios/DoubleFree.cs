using static Workbench.Allocator.Probe.Report;

namespace Workbench.Allocator.Probe.Scenarios;

/// <summary>
/// Frees blocks a second time in every way there is (free, realloc, a free after realloc to 0, a mapped block, an
/// aligned block, a block first freed on another thread, a buffer disposed twice) and reports what each second free
/// threw; checks in between that the heap still hands out distinct blocks.
/// </summary>
internal static unsafe class DoubleFree
{
    public static void Run()
    {
        Put("IS_CHECKED", CfaMalloc.IsChecked);
        void* p = CfaMalloc.Malloc(64);
        Put("EXPECT", Hex(p));
        CfaMalloc.Free(p);
        nint a = (nint)p;
        Catch("FREE", () => CfaMalloc.Free((void*)a));
        Catch("REALLOC", () => CfaMalloc.Realloc((void*)a, 128));
        // Nothing was changed: the heap still works, and the block is handed out again at most once.
        void* q = CfaMalloc.Malloc(64);
        void* r = CfaMalloc.Malloc(64);
        Put("AFTER_DISTINCT", q != r && q != null && r != null);
        CfaMalloc.Free(q);
        CfaMalloc.Free(r);
        // Realloc(p, 0) frees p: freeing it again is a double free.
        void* z = CfaMalloc.Malloc(32);
        Put("REALLOC0", Hex(z));
        Put("REALLOC0_RESULT", Hex(CfaMalloc.Realloc(z, 0)));
        nint za = (nint)z;
        Catch("REALLOC0_FREE", () => CfaMalloc.Free((void*)za));
        // A freed mmap'd block (its pages are gone) and a freed aligned block.
        void* big = CfaMalloc.Malloc(700_000);
        Put("BIG", Hex(big));
        CfaMalloc.Free(big);
        nint b = (nint)big;
        Catch("BIG_FREE", () => CfaMalloc.Free((void*)b));
        void* aligned = CfaMalloc.Memalign(4096, 300);
        Put("ALIGNED", Hex(aligned));
        nint al = (nint)aligned;
        Catch("ALIGNED_FIRST_FREE", () => CfaMalloc.Free((void*)al));
        Catch("ALIGNED_FREE", () => CfaMalloc.Free((void*)al));
        // Freed on another thread, freed again here.
        void* other = CfaMalloc.Malloc(48);
        Put("OTHER", Hex(other));
        nint ot = (nint)other;
        var t = new Thread(() => CfaMalloc.Free((void*)ot));
        t.Start();
        t.Join();
        Catch("OTHER_FREE", () => CfaMalloc.Free((void*)ot));
        // The typed face's Dispose is idempotent, in checked mode too.
        var buffer = CfaMalloc.Alloc<int>(10);
        buffer.Dispose();
        Catch("BUFFER_DISPOSE_TWICE", buffer.Dispose);
        Put("AFTER", "ok");
    }
}
