using Workbench.Allocator.Testing;
using static Workbench.Allocator.Probe.PageResidency;
using static Workbench.Allocator.Probe.Report;

namespace Workbench.Allocator.Probe.Scenarios;

/// <summary>
/// Realloc of the last block carved past the mmap threshold, in a fresh heap: the growth in place (at the default
/// threshold, 512 KiB), then at a threshold of 128 KiB, so that every block crosses it with room to spare in the
/// bump area: the zero fill, the free of such a block (its pages go back to the OS unless it is still the last
/// carved), the reuse of a freed one by a realloc that moves, and a malloc at the threshold that still maps.
/// </summary>
internal static unsafe class ReallocPastThreshold
{
    public static void Run()
    {
        long inUse0 = CfaMalloc.GetStatistics().BytesInUse;
        nuint page = (nuint)Environment.SystemPageSize;

        // A 64 KiB block grown to 700 KiB and 1 MiB where it is, then shrunk back to 100 KiB where it is.
        var s0 = CfaMalloc.GetStatistics();
        byte* p = (byte*)CfaMalloc.Malloc(64 * 1024);
        ulong seed = Pattern.SeedFor(p, 64 * 1024);
        Pattern.Fill(p, 64 * 1024, seed);
        byte* q = (byte*)CfaMalloc.Realloc(p, 700 * 1024);
        Put("GROW_700K_IN_PLACE", q == p);
        Put("GROW_700K_USABLE", CfaMalloc.MallocUsableSize(q));
        byte* r = (byte*)CfaMalloc.Realloc(q, 1024 * 1024);
        Put("GROW_1M_IN_PLACE", r == p);
        Put("GROW_PATTERN", Pattern.Check(r, 64 * 1024, seed));
        Put("GROW_SIZE", CfaMalloc.MallocSize(r));
        Pattern.FillByte(r + 64 * 1024, 1024 * 1024 - 64 * 1024, 0xAB);
        byte* s = (byte*)CfaMalloc.Realloc(r, 100 * 1024);
        Put("SHRINK_IN_PLACE", s == p);
        Put("SHRINK_USABLE", CfaMalloc.MallocUsableSize(s));
        Put("SHRINK_PATTERN", Pattern.Check(s, 64 * 1024, seed));
        Put("CHAIN_MMAP_CALLS", CfaMalloc.GetStatistics().MmapCalls - s0.MmapCalls);

        const nuint Threshold = 128 * 1024;
        nuint defaultThreshold = CfaMalloc.MmapThreshold;
        Put("MALLOPT", CfaMalloc.Mallopt(CfaMalloc.M_MMAP_THRESHOLD, (int)Threshold));

        // A zero-filled block grown past the threshold in place reads zeros past its old size (over dirty bytes: the
        // 1 MiB block's tail above went back to the bump area with 0xAB in it).
        byte* z = (byte*)CfaMalloc.Calloc(1, 40 * 1024);
        Pattern.FillByte(z, 40 * 1024, 0x5A);
        byte* z2 = (byte*)CfaMalloc.Realloc(z, 200 * 1024);
        Put("ZERO_GROW_IN_PLACE", z2 == z);
        Put("ZERO_GROW_HEAD", Pattern.CheckByte(z2, 40 * 1024, 0x5A));
        Put("ZERO_GROW_TAIL", Pattern.CheckByte(z2 + 40 * 1024, 160 * 1024, 0));
        Put("ZERO_GROW_STICKY", CfaMalloc.MallocZeroFill(z2));
        // Freed while it is the last block carved: its bytes go back to the bump area, and the next carve starts there.
        CfaMalloc.Free(z2);
        byte* after = (byte*)CfaMalloc.Malloc(30_000);
        Put("LAST_CARVED_FREE_GIVEN_BACK", after == z2);

        // Freed when it is not the last carved (a block carved after it is live): its pages go back to the OS.
        byte* b0 = (byte*)CfaMalloc.Malloc(48 * 1024);
        byte* b = (byte*)CfaMalloc.Realloc(b0, 150 * 1024);
        Put("B_IN_PLACE", b == b0);
        byte* guard = (byte*)CfaMalloc.Malloc(5000);
        Pattern.FillByte(b, 150 * 1024, 0x77);
        nuint first = ((nuint)b + page - 1) & ~(page - 1);
        const int Pages = 30;
        Put("B_RESIDENT_BEFORE_FREE", ResidentPages(first, Pages));
        CfaMalloc.Free(b);
        Put("B_RESIDENT_AFTER_FREE", ResidentPages(first, Pages));

        // A realloc that moves to that size takes the freed block (no mapping); a malloc of that size does not.
        var s1 = CfaMalloc.GetStatistics();
        byte* c = (byte*)CfaMalloc.Malloc(3000);
        seed = Pattern.SeedFor(c, 3000);
        Pattern.Fill(c, 3000, seed);
        byte* c2 = (byte*)CfaMalloc.Realloc(c, 150 * 1024);
        Put("MOVE_TOOK_FREED_BLOCK", c2 == b);
        Put("MOVE_PATTERN", Pattern.Check(c2, 3000, seed));
        Put("MOVE_MMAP_CALLS", CfaMalloc.GetStatistics().MmapCalls - s1.MmapCalls);
        CfaMalloc.Free(c2);
        var s2 = CfaMalloc.GetStatistics();
        byte* m = (byte*)CfaMalloc.Malloc(150 * 1024);
        Put("MALLOC_MAPS", CfaMalloc.GetStatistics().MmapCalls - s2.MmapCalls);
        Put("MALLOC_NOT_FREED_BLOCK", m != b);
        CfaMalloc.Free(m);

        // Freed by another thread: it goes home, and its pages go back to the OS too.
        byte* d = (byte*)CfaMalloc.Malloc(3000);
        d = (byte*)CfaMalloc.Realloc(d, 150 * 1024);
        Put("D_TOOK_FREED_BLOCK", d == b);
        Pattern.FillByte(d, 150 * 1024, 0x33);
        Put("D_RESIDENT_BEFORE_FREE", ResidentPages(first, Pages));
        var other = new Thread(() => CfaMalloc.Free(d));
        other.Start();
        other.Join();
        Put("D_RESIDENT_AFTER_REMOTE_FREE", ResidentPages(first, Pages));
        // With ownership it went home, to the remote list, and the next realloc moving to its size takes it from there.
        byte* e = (byte*)CfaMalloc.Malloc(3000);
        byte* e2 = (byte*)CfaMalloc.Realloc(e, 150 * 1024);
        Put("E_TOOK_REMOTELY_FREED_BLOCK", e2 == b);
        CfaMalloc.Free(e2);

        CfaMalloc.Mallopt(CfaMalloc.M_MMAP_THRESHOLD, (int)defaultThreshold);
        foreach (byte* live in new[] { s, after, guard })
            CfaMalloc.Free(live);
        Put("IN_USE_RESTORED", CfaMalloc.GetStatistics().BytesInUse == inUse0);
    }
}
