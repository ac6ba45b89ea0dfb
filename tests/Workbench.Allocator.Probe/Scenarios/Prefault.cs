using static Workbench.Allocator.Probe.PageResidency;
using static Workbench.Allocator.Probe.Report;

namespace Workbench.Allocator.Probe.Scenarios;

/// <summary>
/// The first allocation of a fresh process carves from a fresh bump area: how many of the 15 pages after the
/// block's page are resident (prefaulted), what the statistics count, what MallocTrim gives back, and whether
/// blocks carved across the prefaulted pages keep what is written into them.
/// </summary>
internal static unsafe class Prefault
{
    public static void Run()
    {
        // Whether this kernel can populate at all (MADV_POPULATE_WRITE, Linux 5.14), tried on a scratch mapping.
        nuint page = (nuint)Environment.SystemPageSize;
        void* scratch = mmap(null, page, 3, 0x22, -1, 0);
        Put("POPULATE_SUPPORTED", madvise(scratch, page, 23) == 0);
        munmap(scratch, page);

        var s0 = CfaMalloc.GetStatistics();
        byte* first = (byte*)CfaMalloc.Malloc(24);
        nuint firstPage = (nuint)first & ~(page - 1);
        Put("RESIDENT_AHEAD", ResidentPages(firstPage + page, 15));
        var s1 = CfaMalloc.GetStatistics();
        Put("PREFAULT_CALLS", s1.PrefaultCalls - s0.PrefaultCalls);
        Put("PREFAULT_BYTES", s1.PrefaultBytes - s0.PrefaultBytes);

        CfaMalloc.MallocTrim(0);
        var s2 = CfaMalloc.GetStatistics();
        Put("RESIDENT_AFTER_TRIM", ResidentPages(firstPage + page, 15));
        Put("TRIM_BYTES", s2.TrimBytes - s1.TrimBytes);

        // 4000 blocks of 24 bytes (about 190 KiB): carved across the trimmed pages and past the prefaulted end.
        const int N = 4000;
        var blocks = new nint[N];
        for (int i = 0; i < N; i++)
        {
            blocks[i] = (nint)CfaMalloc.Malloc(24);
            new Span<byte>((void*)blocks[i], 24).Fill((byte)(i * 7));
        }
        var s3 = CfaMalloc.GetStatistics();
        Put("PREFAULT_CALLS_LATER", s3.PrefaultCalls - s2.PrefaultCalls);
        bool intact = true;
        for (int i = 0; i < N; i++)
        {
            intact &= !new Span<byte>((void*)blocks[i], 24).ContainsAnyExcept((byte)(i * 7));
            CfaMalloc.Free((void*)blocks[i]);
        }
        CfaMalloc.Free(first);
        Put("INTACT", intact);

        // Large blocks, each a new mapping (all live at once, so the mapping cache cannot serve one with another's
        // pages): pages 1 to 255 of each, after the page the header is written in.
        byte* mapped = (byte*)CfaMalloc.Malloc(1024 * 1024);
        byte* zeroed = (byte*)CfaMalloc.Calloc(1, 1024 * 1024 + 4096);
        byte* huge = (byte*)CfaMalloc.Malloc(8 * 1024 * 1024);
        Put("RESIDENT_MAPPED", ResidentPages(((nuint)mapped & ~(page - 1)) + page, 255));
        Put("RESIDENT_CALLOC", ResidentPages(((nuint)zeroed & ~(page - 1)) + page, 255));
        Put("RESIDENT_HUGE", ResidentPages(((nuint)huge & ~(page - 1)) + page, 255));
        Put("CALLOC_ZERO", !new Span<byte>(zeroed, 1024 * 1024 + 4096).ContainsAnyExcept((byte)0));
        CfaMalloc.Free(mapped);
        CfaMalloc.Free(zeroed);
        CfaMalloc.Free(huge);
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "madvise")]
    private static extern int madvise(void* address, nuint length, int advice);

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "mmap")]
    private static extern void* mmap(void* address, nuint length, int protection, int flags, int fd, nint offset);

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "munmap")]
    private static extern int munmap(void* address, nuint length);
}
