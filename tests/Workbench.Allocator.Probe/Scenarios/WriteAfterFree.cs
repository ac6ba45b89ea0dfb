using static Workbench.Allocator.Probe.Report;

namespace Workbench.Allocator.Probe.Scenarios;

/// <summary>
/// Writes into a freed block, then allocates and frees its size until a call reports the damage; WHERE names the
/// call that did (malloc, free, or none).
/// </summary>
internal static unsafe class WriteAfterFree
{
    public static void Run()
    {
        Put("IS_CHECKED", CfaMalloc.IsChecked);
        byte* p = (byte*)CfaMalloc.Malloc(100);
        Put("EXPECT", Hex(p));
        CfaMalloc.Free(p);
        p[20] = 0x00;
        p[21] = 0x11;
        // The damage must be reported by a later call; a block of the same size is the one the
        // heap hands out next, so allocate and free that size until something is reported.
        string where = "none";
        for (int i = 0; i < 1000 && where == "none"; i++)
        {
            void* q = null;
            if (Catch("MALLOC", () => q = CfaMalloc.Malloc(100)))
            {
                where = "malloc";
                break;
            }
            nint qa = (nint)q;
            if (Catch("FREE", () => CfaMalloc.Free((void*)qa)))
                where = "free";
        }
        Put("WHERE", where);
    }
}
