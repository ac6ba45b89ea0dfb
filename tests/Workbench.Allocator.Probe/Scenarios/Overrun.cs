using Workbench.Allocator.Testing;
using static Workbench.Allocator.Probe.Report;

namespace Workbench.Allocator.Probe.Scenarios;

/// <summary>
/// Writes one byte past a 100-byte request and reports what realloc and free threw and whether the requested bytes
/// are intact; then puts the byte back and frees the block.
/// </summary>
internal static unsafe class Overrun
{
    public static void Run()
    {
        Put("IS_CHECKED", CfaMalloc.IsChecked);
        byte* p = (byte*)CfaMalloc.Malloc(100);
        Put("EXPECT", Hex(p));
        Put("USABLE", CfaMalloc.MallocUsableSize(p));
        Pattern.FillByte(p, 100, 0x5A);
        byte canary = p[100];
        p[100] = (byte)~canary;
        nint a = (nint)p;
        Catch("REALLOC", () => CfaMalloc.Realloc((void*)a, 5000));
        Catch("FREE", () => CfaMalloc.Free((void*)a));
        Put("INTACT", Pattern.CheckByte(p, 100, 0x5A) < 0);
        p[100] = canary;
        Catch("RESTORED_FREE", () => CfaMalloc.Free((void*)a));
        Put("AFTER", "ok");
    }
}
