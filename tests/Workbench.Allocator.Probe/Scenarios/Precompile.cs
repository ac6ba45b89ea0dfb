using static Workbench.Allocator.Probe.Report;

namespace Workbench.Allocator.Probe.Scenarios;

/// <summary>
/// Counts the methods this thread JIT-compiles while it runs every kind of allocator path once
/// (fast and slow, small and large, aligned, zero-filled, realloc, remote free, trim), with or
/// without <see cref="CfaMalloc.Precompile"/> first. This method is compiled before it runs, so
/// what is compiled inside the window is the allocator's own code.
/// </summary>
internal static unsafe class Precompile
{
    public static void Run(bool precompile)
    {
        if (precompile)
            CfaMalloc.Precompile();
        nint remote = 0;
        var owner = new Thread(() => remote = (nint)CfaMalloc.Malloc(200));
        owner.Start();
        owner.Join();
        long before = System.Runtime.JitInfo.GetCompiledMethodCount(currentThread: true);
        void* a = CfaMalloc.Malloc(24);
        void* b = CfaMalloc.Calloc(3, 1000);
        void* c = CfaMalloc.Memalign(256, 5000);
        void* d = CfaMalloc.Realloc(CfaMalloc.Malloc(100), 9000);
        void* e = CfaMalloc.Malloc(3 << 20);
        void* f = CfaMalloc.Realloc(e, 5 << 20);
        void* g = CfaMalloc.Aalloc(10, 100);
        void* h = CfaMalloc.Resize(CfaMalloc.Malloc(40), 4000);
        CfaMalloc.Free((void*)remote);
        CfaMalloc.Free(a);
        CfaMalloc.Free(b);
        CfaMalloc.Free(c);
        CfaMalloc.Free(d);
        CfaMalloc.Free(f);
        CfaMalloc.Free(g);
        CfaMalloc.Free(h);
        CfaMalloc.Free(null);
        CfaMalloc.MallocTrim(0);
        long after = System.Runtime.JitInfo.GetCompiledMethodCount(currentThread: true);
        Put("COMPILED", after - before);
    }
}
