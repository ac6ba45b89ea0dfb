using Workbench.Allocator.Testing;
using static Workbench.Allocator.Probe.Report;

namespace Workbench.Allocator.Probe.Scenarios;

/// <summary>
/// Whether this build asserts the heap's invariants on its slow paths (a debug build does, a release build does not):
/// a stress with cross-thread frees runs under the assertions, then a free list is bent into a cycle and MallocTrim,
/// which checks the caller's heap before it walks the free lists, reports it (TRIM) or not; the list is restored
/// and trimmed again (AFTER), and a block of the size is taken and written (BLOCK_BACK_WRITABLE).
/// </summary>
internal static unsafe class HeapInvariantsOnSlowPaths
{
    public static void Run()
    {
        var debuggable = typeof(CfaMalloc).Assembly.GetCustomAttributes(typeof(System.Diagnostics.DebuggableAttribute), false);
        Put("DEBUG_BUILD", debuggable.Length > 0 && ((System.Diagnostics.DebuggableAttribute)debuggable[0]).IsJITOptimizerDisabled);
        var r = StressWorkload.Run(4, 50_000, 20261204);
        Put("STRESS_OPERATIONS", r.Operations);
        Put("STRESS_ERRORS", r.Errors.Count);
        Put("STRESS_FIRST_ERROR", r.Errors.TryPeek(out string? first) ? first : "none");

        var thread = new Thread(() =>
        {
            void* a = CfaMalloc.Malloc(64), b = CfaMalloc.Malloc(64), c = CfaMalloc.Malloc(64);
            CfaMalloc.Free(a);
            CfaMalloc.Free(b);
            CfaMalloc.Free(c);
            // The free list is c -> b -> a -> ...; each link is the first word of the block's 16-byte header.
            var aLink = (nuint*)((byte*)a - 16);
            nuint saved = *aLink;
            *aLink = (nuint)((byte*)c - 16);
            Put("CYCLE_AT", Hex((byte*)a - 16));
            Catch("TRIM", () => CfaMalloc.MallocTrim(0));
            *aLink = saved;
            Catch("AFTER", () => CfaMalloc.MallocTrim(0));
            // The trim may park c, its header's page given back with the free blocks around it, so the next block of
            // the size is c or another free one: whole and writable, and the heap's invariants hold (debug builds
            // check them at the end of the trim, AFTER).
            var again = (byte*)CfaMalloc.Malloc(64);
            bool writable = again != null;
            for (int i = 0; writable && i < 64; i++)
                again[i] = (byte)(i + 1);
            for (int i = 0; writable && i < 64; i++)
                writable = again[i] == (byte)(i + 1);
            Put("BLOCK_BACK_WRITABLE", writable);
            CfaMalloc.Free(again);
        });
        thread.Start();
        thread.Join();
    }
}
