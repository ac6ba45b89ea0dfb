using Workbench.Allocator.Testing;
using static Workbench.Allocator.Probe.Report;

namespace Workbench.Allocator.Probe.Scenarios;

/// <summary>
/// Reports, from one byte to a mapped block, whether each allocation routine hands its bytes out scrubbed (0xA5, or
/// zeros for the zeroing routines) and whether freed heap storage reads as the free scrub (0xDF); then what realloc
/// and resize keep and scrub.
/// </summary>
internal static unsafe class Scrub
{
    public static void Run()
    {
        Put("IS_CHECKED", CfaMalloc.IsChecked);
        Put("ALLOC_FILL", CfaMalloc.CheckedAllocFill);
        Put("FREE_FILL", CfaMalloc.CheckedFreeFill);
        nuint[] sizes = [1, 100, 1000, 5000, 100_000, 700_000];
        foreach (nuint n in sizes)
        {
            // Dirty storage first, so that a scrub is not confused with fresh zero pages.
            void* dirty = CfaMalloc.Malloc(n);
            Pattern.FillByte(dirty, n, 0x3C);
            CfaMalloc.Free(dirty);
            void* p = CfaMalloc.Malloc(n);
            ScrubCheck($"MALLOC.{n}", p, n, 0xA5);
            Pattern.FillByte(p, n, 0x3C);
            CfaMalloc.Free(p);
            void* z = CfaMalloc.Calloc(1, n);
            ScrubCheck($"CALLOC.{n}", z, n, 0);
            CfaMalloc.Free(z);
            void* m = CfaMalloc.Memalign(256, n);
            ScrubCheck($"MEMALIGN.{n}", m, n, 0xA5);
            CfaMalloc.Free(m);
            void* cz = CfaMalloc.Cmemalign(256, 1, n);
            ScrubCheck($"CMEMALIGN.{n}", cz, n, 0);
            CfaMalloc.Free(cz);
            if (n < 500_000)
            {
                // Freed heap storage stays mapped: it must read as the free scrub.
                void* f = CfaMalloc.Malloc(n);
                Pattern.FillByte(f, n, 0x3C);
                CfaMalloc.Free(f);
                ScrubCheck($"FREED.{n}", f, n, 0xDF);
            }
        }
        byte* r = (byte*)CfaMalloc.Malloc(100);
        Pattern.FillByte(r, 100, 0x11);
        byte* r2 = (byte*)CfaMalloc.Realloc(r, 5000);
        ScrubCheck("REALLOC_PREFIX", r2, 100, 0x11);
        ScrubCheck("REALLOC_TAIL", r2 + 100, 4900, 0xA5);
        CfaMalloc.Free(r2);
        byte* s = (byte*)CfaMalloc.Malloc(100);
        Pattern.FillByte(s, 100, 0x11);
        byte* s2 = (byte*)CfaMalloc.Resize(s, 5000);
        Put("RESIZE_MOVED", s2 != s);
        ScrubCheck("RESIZE", s2, 5000, 0xA5);
        CfaMalloc.Free(s2);
        byte* zc = (byte*)CfaMalloc.Calloc(1, 100);
        byte* zc2 = (byte*)CfaMalloc.Realloc(zc, 5000);
        ScrubCheck("CALLOC_REALLOC_TAIL", zc2, 5000, 0);
        CfaMalloc.Free(zc2);
    }
}
