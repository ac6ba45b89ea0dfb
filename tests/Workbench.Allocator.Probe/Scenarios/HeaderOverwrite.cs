using static Workbench.Allocator.Probe.Report;

namespace Workbench.Allocator.Probe.Scenarios;

/// <summary>Overwrites a block's 16-byte header and reports what free and realloc threw; then puts the header back and frees the block.</summary>
internal static unsafe class HeaderOverwrite
{
    public static void Run()
    {
        Put("IS_CHECKED", CfaMalloc.IsChecked);
        byte* p = (byte*)CfaMalloc.Malloc(64);
        Put("EXPECT", Hex(p));
        var saved = new byte[16];
        for (int i = 0; i < 16; i++)
            saved[i] = p[i - 16];
        for (int i = 0; i < 16; i++)
            p[i - 16] = 0x41;
        nint a = (nint)p;
        Catch("FREE", () => CfaMalloc.Free((void*)a));
        Catch("REALLOC", () => CfaMalloc.Realloc((void*)a, 4096));
        for (int i = 0; i < 16; i++)
            p[i - 16] = saved[i];
        Catch("RESTORED_FREE", () => CfaMalloc.Free((void*)a));
        Put("AFTER", "ok");
    }
}
