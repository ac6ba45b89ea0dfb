using Workbench.Allocator.Testing;
using static Workbench.Allocator.Probe.Report;

namespace Workbench.Allocator.Probe.Scenarios;

/// <summary>
/// Realloc past 2 GiB and past 4 GiB (where a 32-bit length overflows): a 64-byte block grows to 2 GiB + 64 bytes,
/// then to 4 GiB + 64, keeping its first bytes and the bytes written at each size's end; a request beyond what any
/// machine holds fails with ENOMEM and leaves the block intact; the block then frees with no complaint.
/// </summary>
internal static unsafe class ReallocHuge
{
    public static void Run()
    {
        Put("IS_CHECKED", CfaMalloc.IsChecked);
        nuint TwoGiB = (nuint)1 << 31, FourGiB = (nuint)1 << 32;
        byte* p = (byte*)CfaMalloc.Malloc(64);
        Pattern.FillByte(p, 64, 0x77);
        nint q = 0;
        Catch("GROW_2G", () => q = (nint)CfaMalloc.Realloc(p, TwoGiB + 64));
        Put("GROW_2G_RESULT", q != 0);
        if (q == 0)
            return;
        byte* b = (byte*)q;
        b[TwoGiB + 63] = 0x99;
        Put("GROW_2G_KEPT", Pattern.CheckByte(b, 64, 0x77) < 0);
        nint r = 0;
        Catch("GROW_4G", () => r = (nint)CfaMalloc.Realloc(b, FourGiB + 64));
        Put("GROW_4G_RESULT", r != 0);
        if (r == 0)
            return;
        b = (byte*)r;
        Put("GROW_4G_KEPT", Pattern.CheckByte(b, 64, 0x77) < 0 && b[TwoGiB + 63] == 0x99);
        b[FourGiB + 63] = 0x55;
        nint s = 1;
        Catch("GROW_TOO_FAR", () => s = (nint)CfaMalloc.Realloc(b, (nuint)1 << 50));
        Put("GROW_TOO_FAR_RESULT", Hex(s));
        Put("GROW_TOO_FAR_ERRNO", CfaMalloc.LastError);
        Put("GROW_TOO_FAR_KEPT", Pattern.CheckByte(b, 64, 0x77) < 0 && b[FourGiB + 63] == 0x55);
        Catch("FREE", () => CfaMalloc.Free(b));
        Put("AFTER", "ok");
    }
}
