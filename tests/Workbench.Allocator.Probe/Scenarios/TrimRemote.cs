using Workbench.Allocator.Testing;
using static Workbench.Allocator.Probe.Report;

namespace Workbench.Allocator.Probe.Scenarios;

/// <summary>
/// Blocks this thread allocated and another thread freed (which wait on this heap's remote lists when ownership is on,
/// and sit in the other thread's pooled heap when it is off): 32 blocks of 64 KiB and 64 blocks of 6000 bytes (under
/// two pages, yet those that start early enough in a page hold a whole one). Reports how many of the whole pages inside them are resident before and
/// after MallocTrim(0), and whether the trimmed blocks still work; then the same for 16 blocks of 64 KiB of a thread
/// that is still alive when this one frees them and trims.
/// </summary>
internal static unsafe class TrimRemote
{
    public static void Run()
    {
        Put("IS_CHECKED", CfaMalloc.IsChecked);
        var large = Allocate(32, 64 * 1024);
        var small = Allocate(64, 6000);
        var t = new Thread(() =>
        {
            foreach (nint p in large.Concat(small))
                CfaMalloc.Free((void*)p);
        });
        t.Start();
        t.Join();
        GC.Collect();
        GC.WaitForPendingFinalizers();
        Put("LARGE_PAGES", WholePages(large, 64 * 1024, residentOnly: false));
        Put("SMALL_PAGES", WholePages(small, 6000, residentOnly: false));
        Put("LARGE_RESIDENT_BEFORE", WholePages(large, 64 * 1024, residentOnly: true));
        Put("SMALL_RESIDENT_BEFORE", WholePages(small, 6000, residentOnly: true));
        Put("TRIM", CfaMalloc.MallocTrim(0));
        Put("LARGE_RESIDENT_AFTER", WholePages(large, 64 * 1024, residentOnly: true));
        Put("SMALL_RESIDENT_AFTER", WholePages(small, 6000, residentOnly: true));
        // The trimmed blocks are still good blocks.
        bool ok = true;
        foreach (nuint size in new nuint[] { 64 * 1024, 6000 })
        {
            var again = Allocate(32, size);
            for (int i = 0; i < again.Length; i++)
                ok &= Pattern.CheckByte((void*)again[i], size, 0x42) < 0;
            foreach (nint p in again)
                CfaMalloc.Free((void*)p);
        }
        Put("REUSE_OK", ok);

        // Blocks of a thread that is still alive, freed here: they wait on that thread's remote lists (ownership on),
        // which MallocTrim takes, trims and gives back while their owner waits.
        nint[] live = [];
        using var allocated = new ManualResetEventSlim();
        using var finish = new ManualResetEventSlim();
        var owner = new Thread(() =>
        {
            live = Allocate(16, 64 * 1024);
            allocated.Set();
            finish.Wait();
        });
        owner.Start();
        allocated.Wait();
        foreach (nint p in live)
            CfaMalloc.Free((void*)p);
        Put("LIVE_PAGES", WholePages(live, 64 * 1024, residentOnly: false));
        Put("LIVE_RESIDENT_BEFORE", WholePages(live, 64 * 1024, residentOnly: true));
        CfaMalloc.MallocTrim(0);
        Put("LIVE_RESIDENT_AFTER", WholePages(live, 64 * 1024, residentOnly: true));
        finish.Set();
        owner.Join();
    }

    private static nint[] Allocate(int count, nuint size)
    {
        var blocks = new nint[count];
        for (int i = 0; i < count; i++)
        {
            blocks[i] = (nint)CfaMalloc.Malloc(size);
            Pattern.FillByte((void*)blocks[i], size, 0x42);
        }
        return blocks;
    }

    /// <summary>The whole pages inside the blocks' data (all of them, or the resident ones).</summary>
    private static int WholePages(nint[] blocks, nuint size, bool residentOnly)
    {
        nuint page = (nuint)Environment.SystemPageSize;
        int pages = 0;
        foreach (nint p in blocks)
        {
            nuint start = ((nuint)p + page - 1) & ~(page - 1);
            nuint end = ((nuint)p + size) & ~(page - 1);
            if (end <= start)
                continue;
            int n = (int)((end - start) / page);
            pages += residentOnly ? PageResidency.ResidentPages(start, n) : n;
        }
        return pages;
    }
}
