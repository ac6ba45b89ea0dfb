using Workbench.Allocator.Testing;
using static Workbench.Allocator.Probe.Report;

namespace Workbench.Allocator.Probe.Scenarios;

/// <summary>
/// Writes into the header of a free block, as a write after free or an overrun does, and reports what the next
/// mallocs of its size do. LINK: the link of a freed 64-byte block is pointed into a live 4 KiB block; two mallocs of
/// 64 bytes follow, and no block may come back inside the live one. OVERRUN (checked mode's case): of two neighbouring
/// blocks that fill their size class exactly, the second is freed and the first is overrun by 8 bytes, over the free
/// block's link; then a malloc of that size. LIVE_OVERRUN: the same overrun into a live neighbour, which is then freed.
/// </summary>
internal static unsafe class FreeListLink
{
    public static void Run()
    {
        Put("IS_CHECKED", CfaMalloc.IsChecked);
        Link();
        Overrun(freeNeighbour: true, 1000, "OVERRUN");
        Overrun(freeNeighbour: false, 3000, "LIVE_OVERRUN");
        Put("AFTER", "ok");
    }

    private static void Link()
    {
        byte* live = (byte*)CfaMalloc.Malloc(4096);
        Pattern.FillByte(live, 4096, 0x5A);
        byte* p = (byte*)CfaMalloc.Malloc(64);
        Put("LINK_FREED", Hex(p));
        CfaMalloc.Free(p);
        byte* forged = live + 512;
        Put("LINK_FORGED", Hex(forged + 16));
        *(nuint*)(p - 16) = (nuint)forged;
        nint first = 0, second = 0;
        Catch("LINK_FIRST", () => first = (nint)CfaMalloc.Malloc(64));
        Put("LINK_FIRST_RESULT", Hex(first));
        if (first != 0)
            Catch("LINK_SECOND", () => second = (nint)CfaMalloc.Malloc(64));
        Put("LINK_SECOND_RESULT", Hex(second));
        bool inside(nint q) => q >= (nint)live && q < (nint)(live + 4096);
        Put("LINK_INSIDE_LIVE", inside(first) || inside(second));
        // The list of 64-byte blocks is broken now; the live block is untouched.
        Put("LINK_LIVE_INTACT", Pattern.CheckByte(live, 4096, 0x5A) < 0);
    }

    private static void Overrun(bool freeNeighbour, nuint request, string tag)
    {
        // A size that fills its block exactly, so checked mode has no slack to put a canary in: the usable size of
        // a block for the request (each case takes a class of its own: the list it overruns into is broken after it).
        void* first = CfaMalloc.Malloc(request);
        nuint Size = CfaMalloc.MallocUsableSize(first);
        CfaMalloc.Free(first);
        var blocks = new nint[16];
        for (int i = 0; i < blocks.Length; i++)
            blocks[i] = (nint)CfaMalloc.Malloc(Size);
        Put(tag + "_USABLE", Size);
        nint a = 0, b = 0;
        foreach (nint x in blocks)
            foreach (nint y in blocks)
                if (y == x + (nint)Size + 16)
                    (a, b) = (x, y);
        Put(tag + "_BEFORE", Hex(a));
        Put(tag + "_BLOCK", Hex(b));
        if (a == 0)
            return;
        Pattern.FillByte((void*)a, Size, 0x11);
        if (freeNeighbour)
            CfaMalloc.Free((void*)b);
        *(ulong*)((byte*)a + Size) = 0x4141_4141_4141_4141; // 8 bytes past the end: the neighbour's first header word
        if (freeNeighbour)
        {
            // Checked mode names the overrun when the block is taken; the default mode hands the block out (its freed
            // mark is intact) and stops at the link, which leads to no mapped memory, when it is taken in turn.
            nint got = 0;
            if (CfaMalloc.IsChecked)
                Catch(tag + "_MALLOC", () => got = (nint)CfaMalloc.Malloc(Size));
            Put(tag + "_MALLOC_RESULT", Hex(got));
        }
        else
        {
            Catch(tag + "_FREE", () => CfaMalloc.Free((void*)b));
        }
    }
}
