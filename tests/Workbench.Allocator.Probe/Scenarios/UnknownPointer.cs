using Workbench.Allocator.Testing;
using static Workbench.Allocator.Probe.Report;

namespace Workbench.Allocator.Probe.Scenarios;

/// <summary>
/// Frees pointers the allocator never returned (inside one of its blocks, inside foreign memory, into unmapped
/// memory) and reports what each free threw, and whether the real block beside them was left intact.
/// </summary>
internal static unsafe class UnknownPointer
{
    public static void Run()
    {
        Put("IS_CHECKED", CfaMalloc.IsChecked);
        byte* p = (byte*)CfaMalloc.Malloc(256);
        Pattern.FillByte(p, 256, 0x3C);
        nint interior = (nint)(p + 64);
        Put("INTERIOR", Hex(interior));
        Catch("INTERIOR", () => CfaMalloc.Free((void*)interior));
        byte* foreign = (byte*)System.Runtime.InteropServices.NativeMemory.AlignedAlloc(256, 64);
        Pattern.FillByte(foreign, 256, 0x00);
        nint f = (nint)(foreign + 128);
        Put("FOREIGN", Hex(f));
        Catch("FOREIGN", () => CfaMalloc.Free((void*)f));
        Catch("FOREIGN_REALLOC", () => CfaMalloc.Realloc((void*)f, 512));
        System.Runtime.InteropServices.NativeMemory.AlignedFree(foreign);
        // Nothing was changed: the real block is intact and frees normally.
        Put("BLOCK_INTACT", Pattern.CheckByte(p, 256, 0x3C) < 0);
        Catch("BLOCK_FREE", () => CfaMalloc.Free(p));
        // A wild pointer into memory that is not mapped at all.
        Put("WILD", Hex((nint)0x10000));
        Catch("WILD", () => CfaMalloc.Free((void*)0x10000));
        Put("AFTER", "ok");
    }
}
