using Workbench.Allocator.Testing;
using static Workbench.Allocator.Probe.Report;

namespace Workbench.Allocator.Probe.Scenarios;

/// <summary>
/// Realloc and resize of the last block carved from the bump area, in a fresh heap (every bucket's free list
/// empty at the start). Reports whether each step stayed in place, where the next carve landed, and whether
/// the contents, sizes, alignment and zero fill came through.
/// </summary>
internal static unsafe class ReallocLastCarved
{
    public static void Run()
    {
        long inUse0 = CfaMalloc.GetStatistics().BytesInUse;

        // Grow: a 5000-byte block (5 KiB bucket, carved alone) to 20000 bytes, then shrink it to 3000.
        byte* p = (byte*)CfaMalloc.Malloc(5000);
        ulong seed = Pattern.SeedFor(p, 5000);
        Pattern.Fill(p, 5000, seed);
        byte* q = (byte*)CfaMalloc.Realloc(p, 20_000);
        Put("GROW_IN_PLACE", q == p);
        Put("GROW_PATTERN", Pattern.Check(q, 5000, seed));
        Put("GROW_SIZE", CfaMalloc.MallocSize(q));
        Put("GROW_USABLE", CfaMalloc.MallocUsableSize(q));
        seed = Pattern.SeedFor(q, 20_000);
        Pattern.Fill(q, 20_000, seed);
        byte* r = (byte*)CfaMalloc.Realloc(q, 3000);
        Put("SHRINK_IN_PLACE", r == p);
        Put("SHRINK_PATTERN", Pattern.Check(r, 3000, seed));
        Put("SHRINK_USABLE", CfaMalloc.MallocUsableSize(r));
        // The shrunk block's tail went back to the bump area: the next carve starts right after its new end.
        byte* next = (byte*)CfaMalloc.Malloc(8000);
        Put("NEXT_AFTER_SHRUNK", next == r + CfaMalloc.MallocUsableSize(r) + 16);
        Pattern.Fill(next, 8000, 77);
        Put("SHRUNK_PATTERN_AFTER_NEXT", Pattern.Check(r, 3000, seed));

        // Zero fill is sticky when growing in place over dirty bytes given back to the bump area.
        byte* dirty = (byte*)CfaMalloc.Malloc(6000);
        dirty = (byte*)CfaMalloc.Realloc(dirty, 60_000);
        Pattern.FillByte(dirty, 60_000, 0xCC);
        dirty = (byte*)CfaMalloc.Realloc(dirty, 100); // gives 60 KiB of 0xCC back
        byte* z = (byte*)CfaMalloc.Calloc(1, 5000);
        Put("CALLOC_ON_DIRTY", z > dirty && z < dirty + 60_000);
        Pattern.FillByte(z, 5000, 0x5A);
        byte* z2 = (byte*)CfaMalloc.Realloc(z, 40_000);
        Put("ZERO_GROW_IN_PLACE", z2 == z);
        Put("ZERO_GROW_HEAD", Pattern.CheckByte(z2, 5000, 0x5A));
        Put("ZERO_GROW_TAIL", Pattern.CheckByte(z2 + 5000, 35_000, 0));
        Put("ZERO_GROW_STICKY", CfaMalloc.MallocZeroFill(z2));

        // An aligned block keeps its alignment and data address.
        byte* a = (byte*)CfaMalloc.Memalign(256, 3000);
        seed = Pattern.SeedFor(a, 3000);
        Pattern.Fill(a, 3000, seed);
        byte* a2 = (byte*)CfaMalloc.Realloc(a, 10_000);
        Put("ALIGNED_IN_PLACE", a2 == a);
        Put("ALIGNED_ALIGNMENT", CfaMalloc.MallocAlignment(a2));
        Put("ALIGNED_PATTERN", Pattern.Check(a2, 3000, seed));
        Put("ALIGNED_USABLE_OK", CfaMalloc.MallocUsableSize(a2) >= 10_000);
        Pattern.Fill(a2, 10_000, 5);

        // A bucket with a free block is served from it: the last carved block moves there and goes back to the area.
        // (A live block carved after it keeps the free block from being the last carved, which a refill would reclaim.)
        byte* waiting = (byte*)CfaMalloc.Malloc(7000);
        byte* guard = (byte*)CfaMalloc.Malloc(7000);
        CfaMalloc.Free(waiting);
        byte* c = (byte*)CfaMalloc.Malloc(2500);
        seed = Pattern.SeedFor(c, 2500);
        Pattern.Fill(c, 2500, seed);
        byte* c2 = (byte*)CfaMalloc.Realloc(c, 7000);
        Put("MOVED_TO_FREE_BLOCK", c2 == waiting);
        Put("MOVED_PATTERN", Pattern.Check(c2, 2500, seed));
        byte* e = (byte*)CfaMalloc.Malloc(2500);
        Put("GIVEN_BACK_REUSED", e == c);

        // Resize of the last carved block: in place, zero fill dropped.
        byte* rz = (byte*)CfaMalloc.Calloc(1, 9000);
        byte* rz2 = (byte*)CfaMalloc.Resize(rz, 30_000);
        Put("RESIZE_IN_PLACE", rz2 == rz);
        Put("RESIZE_ZERO_FILL", CfaMalloc.MallocZeroFill(rz2));
        Put("RESIZE_USABLE_OK", CfaMalloc.MallocUsableSize(rz2) >= 30_000);
        Pattern.FillByte(rz2, 30_000, 1);

        // A buffer rebuilt each round: malloc(n), realloc to 2n, 3n, 4n, free. The freed block is the last one carved,
        // so the next round's malloc starts there and every realloc grows in place (not in checked mode).
        int roundsInPlace = 0;
        var roundAddresses = new HashSet<nint>();
        for (int i = 0; i < 1000; i++)
        {
            byte* b = (byte*)CfaMalloc.Malloc(25_000);
            b[0] = (byte)i;
            bool inPlace = true;
            for (nuint k = 2; k <= 4; k++)
            {
                byte* grown = (byte*)CfaMalloc.Realloc(b, k * 25_000);
                inPlace &= grown == b;
                b = grown;
                b[k * 25_000 - 1] = (byte)k;
            }
            roundsInPlace += inPlace && b[0] == (byte)i ? 1 : 0;
            roundAddresses.Add((nint)b);
            CfaMalloc.Free(b);
        }
        Put("REBUILD_ROUNDS_IN_PLACE", roundsInPlace);
        Put("REBUILD_ADDRESSES", roundAddresses.Count);

        // Loops that would pile blocks onto a bucket's free list, a new one each time, if a block grew or shrank in
        // place while its new bucket had a free block: small sizes (the inlined realloc) and large ones (the general path).
        ReallocLoop("GROW_LOOP_ADDRESSES", 10_000, 40_000);
        ReallocLoop("SHRINK_LOOP_ADDRESSES", 44_000, 11_000);
        ReallocLoop("GROW_LOOP_LARGE_ADDRESSES", 150_000, 450_000);
        ReallocLoop("SHRINK_LOOP_LARGE_ADDRESSES", 480_000, 150_000);

        foreach (byte* live in new[] { r, next, dirty, z2, a2, c2, e, rz2, guard })
            CfaMalloc.Free(live);
        Put("IN_USE_RESTORED", CfaMalloc.GetStatistics().BytesInUse == inUse0);
    }

    /// <summary>Malloc of <paramref name="from"/> bytes, realloc to <paramref name="to"/>, free, 1000 times; reports how many addresses realloc returned.</summary>
    private static void ReallocLoop(string key, nuint from, nuint to)
    {
        var addresses = new HashSet<nint>();
        for (int i = 0; i < 1000; i++)
        {
            byte* b = (byte*)CfaMalloc.Malloc(from);
            b[from - 1] = 1;
            b = (byte*)CfaMalloc.Realloc(b, to);
            b[to - 1] = 2;
            addresses.Add((nint)b);
            CfaMalloc.Free(b);
        }
        Put(key, addresses.Count);
    }
}
