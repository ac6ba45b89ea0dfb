using Workbench.Allocator.Testing;
using static Workbench.Allocator.Probe.Report;

namespace Workbench.Allocator.Probe.Scenarios;

/// <summary>
/// Frees pointers the allocator never returned (inside one of its blocks, inside foreign memory, on the stack, not
/// 16-aligned, and in checked mode into unmapped memory) and reports what each free threw, and whether the real block
/// beside them was left intact.
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
        // A copy of another thread's block header in foreign memory, freed after a real block of that thread's bucket
        // was freed here (so this heap's remote chain of the size class targets the bucket the copy names).
        nint theirs = 0, copied = 0;
        var other = new Thread(() =>
        {
            theirs = (nint)CfaMalloc.Malloc(64);
            copied = (nint)CfaMalloc.Malloc(64);
        });
        other.Start();
        other.Join();
        Catch("REMOTE_FREE", () => CfaMalloc.Free((void*)theirs));
        byte* forged = (byte*)System.Runtime.InteropServices.NativeMemory.AlignedAlloc(256, 64);
        Pattern.FillByte(forged, 256, 0x00);
        Buffer.MemoryCopy((byte*)copied - 16, forged + 112, 16, 16);
        nint fr = (nint)(forged + 128);
        Put("FORGED_REMOTE", Hex(fr));
        Catch("FORGED_REMOTE", () => CfaMalloc.Free((void*)fr));
        System.Runtime.InteropServices.NativeMemory.AlignedFree(forged);
        Catch("COPIED_FREE", () => CfaMalloc.Free((void*)copied));
        // Nothing was changed: the real block is intact and frees normally.
        Put("BLOCK_INTACT", Pattern.CheckByte(p, 256, 0x3C) < 0);
        Catch("BLOCK_FREE", () => CfaMalloc.Free(p));
        // A pointer into this thread's stack, and one that is not 16-aligned, as no block's data is.
        byte* stack = stackalloc byte[512];
        new Span<byte>(stack, 512).Clear();
        nint onStack = ((nint)stack + 256) & ~(nint)15;
        Put("STACK", Hex(onStack));
        Catch("STACK", () => CfaMalloc.Free((void*)onStack));
        byte* q = (byte*)CfaMalloc.Malloc(64);
        nint misaligned = (nint)(q + 8);
        Put("MISALIGNED", Hex(misaligned));
        Catch("MISALIGNED", () => CfaMalloc.Free((void*)misaligned));
        Catch("MISALIGNED_REALLOC", () => CfaMalloc.Realloc((void*)misaligned, 100));
        CfaMalloc.Free(q);
        // A wild pointer into memory that is not mapped at all: only checked mode, which looks the address up in its
        // table of live blocks, can tell; elsewhere reading the header faults, as it does in glibc.
        if (CfaMalloc.IsChecked)
        {
            Put("WILD", Hex((nint)0x10000));
            Catch("WILD", () => CfaMalloc.Free((void*)0x10000));
        }
        Put("AFTER", "ok");
    }
}
