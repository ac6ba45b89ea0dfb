using System.Globalization;
using Workbench.Allocator;
using Workbench.Allocator.Testing;

namespace Workbench.Allocator.Probe;

/// <summary>
/// Runs one scenario in a fresh process, so that start-up options (checked mode, ownership,
/// thresholds from the environment) can be tested. Prints machine-checkable KEY=VALUE lines and
/// ends with DONE=1; exits 0 when the scenario ran to its end, 2 for an unknown scenario, 3 when
/// the scenario threw. The tests decide what is right: the probe only reports what it saw.
/// </summary>
internal static unsafe class Program
{
    private static int Main(string[] args)
    {
        if (args.Length != 1)
        {
            Console.Error.WriteLine("usage: Workbench.Allocator.Probe <scenario>");
            return 2;
        }
        try
        {
            bool known = args[0] switch
            {
                "info" => Info(),
                "double-free" => DoubleFree(),
                "unknown-pointer" => UnknownPointer(),
                "header-overwrite" => HeaderOverwrite(),
                "overrun" => Overrun(),
                "write-after-free" => WriteAfterFree(),
                "unfreed-report" => UnfreedReport(),
                "unfreed-unchecked" => UnfreedUnchecked(),
                "scrub" => Scrub(),
                "configure-checked" => ConfigureChecked(),
                "configure-options" => ConfigureOptions(),
                "env-threshold" => EnvThreshold(),
                "noown-basic" => NoOwnershipBasic(),
                "noown-stress" => NoOwnershipStress(),
                "extension" => Extension(),
                "heap-reuse" => HeapReuse(),
                "trim-pooled" => TrimPooled(),
                "checked-stress" => CheckedStress(),
                "top-pad" => TopPad(),
                "noown-churn" => NoOwnershipChurn(),
                "precompile-off" => Precompile(false),
                "precompile-on" => Precompile(true),
                "heap-invariants" => HeapInvariantsOnSlowPaths(),
                "prefault" => Prefault(),
                "realloc-last-carved" => ReallocLastCarved(),
                "realloc-past-threshold" => ReallocPastThreshold(),
                _ => false,
            };
            if (!known)
            {
                Console.Error.WriteLine($"unknown scenario '{args[0]}'");
                return 2;
            }
        }
        catch (Exception e)
        {
            Console.Out.Flush();
            Console.Error.WriteLine($"scenario threw: {e}");
            return 3;
        }
        Put("DONE", "1");
        return 0;
    }

    private static void Put(string key, object? value)
    {
        string text = Convert.ToString(value, CultureInfo.InvariantCulture) ?? "";
        Console.Out.WriteLine($"{key}={text.Replace('\n', ' ').Replace('\r', ' ')}");
        Console.Out.Flush();
    }

    private static string Hex(nint p) => "0x" + ((ulong)p).ToString("x", CultureInfo.InvariantCulture);

    private static string Hex(void* p) => Hex((nint)p);

    /// <summary>Runs <paramref name="action"/> and reports what it threw as TAG.EXCEPTION/PROBLEM/ADDRESS/MESSAGE.</summary>
    private static bool Catch(string tag, Action action)
    {
        try
        {
            action();
            Put(tag + ".EXCEPTION", "none");
            return false;
        }
        catch (HeapCorruptionException e)
        {
            Put(tag + ".EXCEPTION", e.GetType().Name);
            Put(tag + ".PROBLEM", e.Problem);
            Put(tag + ".ADDRESS", Hex((nint)e.Address));
            Put(tag + ".MESSAGE", e.Message);
            return true;
        }
        catch (Exception e)
        {
            Put(tag + ".EXCEPTION", e.GetType().Name);
            Put(tag + ".MESSAGE", e.Message);
            return true;
        }
    }

    private static bool Info()
    {
        void* p = CfaMalloc.Malloc(8);
        Put("IS_CHECKED", CfaMalloc.IsChecked);
        Put("HAS_OWNERSHIP", CfaMalloc.HasOwnership);
        Put("MMAP_THRESHOLD", CfaMalloc.MmapThreshold);
        CfaMalloc.Free(p);
        return true;
    }

    private static bool DoubleFree()
    {
        Put("IS_CHECKED", CfaMalloc.IsChecked);
        void* p = CfaMalloc.Malloc(64);
        Put("EXPECT", Hex(p));
        CfaMalloc.Free(p);
        nint a = (nint)p;
        Catch("FREE", () => CfaMalloc.Free((void*)a));
        Catch("REALLOC", () => CfaMalloc.Realloc((void*)a, 128));
        // Nothing was changed: the heap still works, and the block is handed out again at most once.
        void* q = CfaMalloc.Malloc(64);
        void* r = CfaMalloc.Malloc(64);
        Put("AFTER_DISTINCT", q != r && q != null && r != null);
        CfaMalloc.Free(q);
        CfaMalloc.Free(r);
        // Realloc(p, 0) frees p: freeing it again is a double free.
        void* z = CfaMalloc.Malloc(32);
        Put("REALLOC0", Hex(z));
        Put("REALLOC0_RESULT", Hex(CfaMalloc.Realloc(z, 0)));
        nint za = (nint)z;
        Catch("REALLOC0_FREE", () => CfaMalloc.Free((void*)za));
        // A freed mmap'd block (its pages are gone) and a freed aligned block.
        void* big = CfaMalloc.Malloc(700_000);
        Put("BIG", Hex(big));
        CfaMalloc.Free(big);
        nint b = (nint)big;
        Catch("BIG_FREE", () => CfaMalloc.Free((void*)b));
        void* aligned = CfaMalloc.Memalign(4096, 300);
        Put("ALIGNED", Hex(aligned));
        nint al = (nint)aligned;
        Catch("ALIGNED_FIRST_FREE", () => CfaMalloc.Free((void*)al));
        Catch("ALIGNED_FREE", () => CfaMalloc.Free((void*)al));
        // Freed on another thread, freed again here.
        void* other = CfaMalloc.Malloc(48);
        Put("OTHER", Hex(other));
        nint ot = (nint)other;
        var t = new Thread(() => CfaMalloc.Free((void*)ot));
        t.Start();
        t.Join();
        Catch("OTHER_FREE", () => CfaMalloc.Free((void*)ot));
        // The typed face's Dispose is idempotent, in checked mode too.
        var buffer = CfaMalloc.Alloc<int>(10);
        buffer.Dispose();
        Catch("BUFFER_DISPOSE_TWICE", buffer.Dispose);
        Put("AFTER", "ok");
        return true;
    }

    private static bool UnknownPointer()
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
        return true;
    }

    private static bool HeaderOverwrite()
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
        return true;
    }

    private static bool Overrun()
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
        return true;
    }

    private static bool WriteAfterFree()
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
        return true;
    }

    private static bool UnfreedReport()
    {
        Put("IS_CHECKED", CfaMalloc.IsChecked);
        var baseline = CfaMalloc.Unfreed().Select(b => b.Address).ToHashSet();
        Put("BASELINE_COUNT", baseline.Count);
        void* a = CfaMalloc.Malloc(100);
        void* b = CfaMalloc.Calloc(10, 10);
        void* c = CfaMalloc.Memalign(4096, 300);
        void* d = CfaMalloc.Malloc(700_000);
        void* e = CfaMalloc.Malloc(50);
        void* g = CfaMalloc.Malloc(0);
        nint f = 0;
        var t = new Thread(() => f = (nint)CfaMalloc.Malloc(200));
        t.Start();
        t.Join();
        CfaMalloc.Free(b);
        CfaMalloc.Free(e);
        // A moved block is listed at its new address only; a block freed with Realloc(p, 0) not at all.
        void* m = CfaMalloc.Malloc(10);
        void* moved = CfaMalloc.Realloc(m, 5000);
        Put("MOVED", moved != m);
        void* gone = CfaMalloc.Malloc(10);
        CfaMalloc.Realloc(gone, 0);
        var expected = new (nint P, nuint Size)[] { ((nint)a, 100), ((nint)c, 300), ((nint)d, 700_000), ((nint)g, 0), (f, 200), ((nint)moved, 5000) };
        Put("EXPECTED", string.Join(",", expected.Select(x => $"{Hex(x.P)}:{x.Size}")));
        var listed = CfaMalloc.Unfreed().Where(x => !baseline.Contains(x.Address)).ToList();
        Put("LISTED", string.Join(",", listed.Select(x => $"{Hex((nint)x.Address)}:{x.Size}")));
        foreach (var x in expected)
            CfaMalloc.Free((void*)x.P);
        var after = CfaMalloc.Unfreed().Where(x => !baseline.Contains(x.Address)).ToList();
        Put("AFTER_EXTRA", after.Count);
        return true;
    }

    private static bool UnfreedUnchecked()
    {
        void* p = CfaMalloc.Malloc(10);
        Put("IS_CHECKED", CfaMalloc.IsChecked);
        Catch("UNFREED", () => CfaMalloc.Unfreed());
        CfaMalloc.Free(p);
        return true;
    }

    private static void ScrubCheck(string key, void* p, nuint length, byte value)
    {
        long at = Pattern.CheckByte(p, length, value);
        Put(key, at < 0 ? "ok" : $"bad at {at}: 0x{((byte*)p)[at]:x2}");
    }

    private static bool Scrub()
    {
        Put("IS_CHECKED", CfaMalloc.IsChecked);
        Put("ALLOC_FILL", CfaMalloc.CheckedAllocFill);
        Put("FREE_FILL", CfaMalloc.CheckedFreeFill);
        nuint[] sizes = [1, 100, 1000, 5000, 100_000, 700_000];
        foreach (nuint n in sizes)
        {
            // Dirty storage first, so that a scrub is not confused with fresh zero pages.
            void* dirty = CfaMalloc.Malloc(n);
            Pattern.FillByte(dirty, n, 0x3C);
            CfaMalloc.Free(dirty);
            void* p = CfaMalloc.Malloc(n);
            ScrubCheck($"MALLOC.{n}", p, n, 0xA5);
            Pattern.FillByte(p, n, 0x3C);
            CfaMalloc.Free(p);
            void* z = CfaMalloc.Calloc(1, n);
            ScrubCheck($"CALLOC.{n}", z, n, 0);
            CfaMalloc.Free(z);
            void* m = CfaMalloc.Memalign(256, n);
            ScrubCheck($"MEMALIGN.{n}", m, n, 0xA5);
            CfaMalloc.Free(m);
            void* cz = CfaMalloc.Cmemalign(256, 1, n);
            ScrubCheck($"CMEMALIGN.{n}", cz, n, 0);
            CfaMalloc.Free(cz);
            if (n < 500_000)
            {
                // Freed heap storage stays mapped: it must read as the free scrub.
                void* f = CfaMalloc.Malloc(n);
                Pattern.FillByte(f, n, 0x3C);
                CfaMalloc.Free(f);
                ScrubCheck($"FREED.{n}", f, n, 0xDF);
            }
        }
        byte* r = (byte*)CfaMalloc.Malloc(100);
        Pattern.FillByte(r, 100, 0x11);
        byte* r2 = (byte*)CfaMalloc.Realloc(r, 5000);
        ScrubCheck("REALLOC_PREFIX", r2, 100, 0x11);
        ScrubCheck("REALLOC_TAIL", r2 + 100, 4900, 0xA5);
        CfaMalloc.Free(r2);
        byte* s = (byte*)CfaMalloc.Malloc(100);
        Pattern.FillByte(s, 100, 0x11);
        byte* s2 = (byte*)CfaMalloc.Resize(s, 5000);
        Put("RESIZE_MOVED", s2 != s);
        ScrubCheck("RESIZE", s2, 5000, 0xA5);
        CfaMalloc.Free(s2);
        byte* zc = (byte*)CfaMalloc.Calloc(1, 100);
        byte* zc2 = (byte*)CfaMalloc.Realloc(zc, 5000);
        ScrubCheck("CALLOC_REALLOC_TAIL", zc2, 5000, 0);
        CfaMalloc.Free(zc2);
        return true;
    }

    private static bool ConfigureChecked()
    {
        CfaMalloc.Configure(new AllocatorOptions { Checked = true });
        void* p = CfaMalloc.Malloc(64);
        Put("IS_CHECKED", CfaMalloc.IsChecked);
        Put("HAS_OWNERSHIP", CfaMalloc.HasOwnership);
        ScrubCheck("MALLOC_SCRUB", p, 64, 0xA5);
        CfaMalloc.Free(p);
        nint a = (nint)p;
        Catch("DOUBLE_FREE", () => CfaMalloc.Free((void*)a));
        Catch("CONFIGURE_AGAIN", () => CfaMalloc.Configure(new AllocatorOptions()));
        return true;
    }

    private static bool ConfigureOptions()
    {
        CfaMalloc.Configure(new AllocatorOptions { Ownership = false, MmapThreshold = 128 * 1024 });
        var s0 = CfaMalloc.GetStatistics();
        void* p = CfaMalloc.Malloc(128 * 1024);
        var s1 = CfaMalloc.GetStatistics();
        Put("IS_CHECKED", CfaMalloc.IsChecked);
        Put("HAS_OWNERSHIP", CfaMalloc.HasOwnership);
        Put("MMAP_THRESHOLD", CfaMalloc.MmapThreshold);
        Put("MMAP_DELTA", s1.MmapCalls - s0.MmapCalls);
        CfaMalloc.Free(p);
        Catch("CONFIGURE_AGAIN", () => CfaMalloc.Configure(new AllocatorOptions()));
        return true;
    }

    private static bool EnvThreshold()
    {
        nuint t = CfaMalloc.MmapThreshold;
        Put("MMAP_THRESHOLD", t);
        // Warm the bucket below the threshold so that its allocation needs no OS call at all.
        void* w = CfaMalloc.Malloc(t - 1);
        CfaMalloc.Free(w);
        var s0 = CfaMalloc.GetStatistics();
        void* below = CfaMalloc.Malloc(t - 1);
        var s1 = CfaMalloc.GetStatistics();
        void* at = CfaMalloc.Malloc(t);
        var s2 = CfaMalloc.GetStatistics();
        Put("BELOW_MMAP_DELTA", s1.MmapCalls - s0.MmapCalls);
        Put("AT_MMAP_DELTA", s2.MmapCalls - s1.MmapCalls);
        CfaMalloc.Free(below);
        CfaMalloc.Free(at);
        return true;
    }

    private static bool NoOwnershipBasic()
    {
        Put("HAS_OWNERSHIP", CfaMalloc.HasOwnership);
        const int N = 100;
        const nuint Size = 3000;
        var blocks = new nint[N];
        using var allocated = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        var owner = new Thread(() =>
        {
            for (int i = 0; i < N; i++)
                blocks[i] = (nint)CfaMalloc.Malloc(Size);
            allocated.Set();
            release.Wait();
        });
        owner.Start();
        allocated.Wait();
        var set = blocks.ToHashSet();
        var freer = new Thread(() =>
        {
            int remote = blocks.Count(b => CfaMalloc.MallocRemote((void*)b));
            Put("REMOTE_BEFORE_FREE", remote);
            var s0 = CfaMalloc.GetStatistics();
            foreach (nint b in blocks)
                CfaMalloc.Free((void*)b);
            var s1 = CfaMalloc.GetStatistics();
            Put("PUSHES_DELTA", s1.RemotePushes - s0.RemotePushes);
            var again = new nint[N];
            for (int i = 0; i < N; i++)
                again[i] = (nint)CfaMalloc.Malloc(Size);
            Put("REUSED", again.Count(set.Contains));
            Put("REMOTE_AFTER", again.Count(b => CfaMalloc.MallocRemote((void*)b)));
            foreach (nint b in again)
                CfaMalloc.Free((void*)b);
        });
        freer.Start();
        freer.Join();
        release.Set();
        owner.Join();
        return true;
    }

    private static bool NoOwnershipStress()
    {
        Put("HAS_OWNERSHIP", CfaMalloc.HasOwnership);
        void* warm = CfaMalloc.Malloc(1);
        CfaMalloc.Free(warm);
        var s0 = CfaMalloc.GetStatistics();
        var r = StressWorkload.Run(4, 100_000, 20261126);
        var s1 = CfaMalloc.GetStatistics();
        Put("OPERATIONS", r.Operations);
        Put("ERRORS", r.Errors.Count);
        foreach (var e in r.Errors)
            Put("ERROR", e);
        Put("CROSS_THREAD_FREES", r.CrossThreadHeapFrees);
        Put("PUSHES_DELTA", s1.RemotePushes - s0.RemotePushes);
        Put("PULLS_DELTA", s1.RemotePulls - s0.RemotePulls);
        Put("INUSE_DELTA", s1.BytesInUse - s0.BytesInUse);
        Put("MALLOC_CALLS_OK", s1.Malloc.Calls - s0.Malloc.Calls == r.Mallocs);
        Put("FREE_CALLS_OK", s1.Free.Calls - s0.Free.Calls == r.Frees);
        Put("REALLOC_CALLS_OK", s1.Realloc.Calls - s0.Realloc.Calls + (s1.Resize.Calls - s0.Resize.Calls) == r.Reallocs + r.AlignedReallocs + r.Resizes + r.AlignedResizes);
        Put("ELAPSED_MS", (long)r.Elapsed.TotalMilliseconds);
        return true;
    }

    private static bool HeapReuse()
    {
        const int N = 50;
        const nuint Size = 2000;
        var first = new nint[N];
        var a = new Thread(() =>
        {
            for (int i = 0; i < N; i++)
                first[i] = (nint)CfaMalloc.Malloc(Size);
            foreach (nint p in first)
                CfaMalloc.Free((void*)p);
        });
        a.Start();
        a.Join();
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        GC.WaitForPendingFinalizers();
        var s0 = CfaMalloc.GetStatistics();
        Put("EXITED_BEFORE_B", s0.ThreadsExited);
        var set = first.ToHashSet();
        int reused = 0;
        var b = new Thread(() =>
        {
            var again = new nint[N];
            for (int i = 0; i < N; i++)
                again[i] = (nint)CfaMalloc.Malloc(Size);
            reused = again.Count(set.Contains);
            foreach (nint p in again)
                CfaMalloc.Free((void*)p);
        });
        b.Start();
        b.Join();
        var s1 = CfaMalloc.GetStatistics();
        Put("STARTED_DELTA", s1.ThreadsStarted - s0.ThreadsStarted);
        Put("HEAPS_NEW_DELTA", s1.HeapsNew - s0.HeapsNew);
        Put("HEAPS_REUSED_DELTA", s1.HeapsReused - s0.HeapsReused);
        Put("REUSED_BLOCKS", reused);
        return true;
    }

    private static bool TrimPooled()
    {
        const int N = 48;
        const nuint Size = 64 * 1024;
        var t = new Thread(() =>
        {
            var blocks = new nint[N];
            for (int i = 0; i < N; i++)
            {
                blocks[i] = (nint)CfaMalloc.Malloc(Size);
                Pattern.FillByte((void*)blocks[i], Size, 0x42);
            }
            foreach (nint p in blocks)
                CfaMalloc.Free((void*)p);
        });
        t.Start();
        t.Join();
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        GC.WaitForPendingFinalizers();
        var s0 = CfaMalloc.GetStatistics();
        Put("TRIM_HUGE_PAD", CfaMalloc.MallocTrim(nuint.MaxValue / 2));
        var s1 = CfaMalloc.GetStatistics();
        Put("TRIM_HALF_PAD", CfaMalloc.MallocTrim(N / 2 * Size));
        var sHalf = CfaMalloc.GetStatistics();
        Put("TRIM_ZERO_PAD", CfaMalloc.MallocTrim(0));
        var s2 = CfaMalloc.GetStatistics();
        Put("HUGE_PAD_TRIM_BYTES", s1.TrimBytes - s0.TrimBytes);
        Put("HALF_PAD_TRIM_BYTES", sHalf.TrimBytes - s1.TrimBytes);
        Put("ZERO_PAD_TRIM_BYTES", s2.TrimBytes - sHalf.TrimBytes);
        Put("ZERO_PAD_TRIM_CALLS", s2.TrimCalls - sHalf.TrimCalls);
        // The trimmed blocks are still good blocks.
        var blocks = new nint[N];
        bool ok = true;
        for (int i = 0; i < N; i++)
        {
            blocks[i] = (nint)CfaMalloc.Malloc(Size);
            Pattern.FillByte((void*)blocks[i], Size, (byte)i);
        }
        for (int i = 0; i < N; i++)
        {
            ok &= Pattern.CheckByte((void*)blocks[i], Size, (byte)i) < 0;
            CfaMalloc.Free((void*)blocks[i]);
        }
        Put("REUSE_OK", ok);
        return true;
    }

    private static bool CheckedStress()
    {
        Put("IS_CHECKED", CfaMalloc.IsChecked);
        void* warm = CfaMalloc.Malloc(1);
        CfaMalloc.Free(warm);
        var s0 = CfaMalloc.GetStatistics();
        var r = StressWorkload.Run(3, 20_000, 7, maxLivePerThread: 200, fillUsable: false);
        var s1 = CfaMalloc.GetStatistics();
        Put("OPERATIONS", r.Operations);
        Put("ERRORS", r.Errors.Count);
        foreach (var e in r.Errors)
            Put("ERROR", e);
        Put("CROSS_THREAD_FREES", r.CrossThreadHeapFrees);
        Put("INUSE_DELTA", s1.BytesInUse - s0.BytesInUse);
        Put("UNFREED", CfaMalloc.Unfreed().Count);
        return true;
    }

    private static bool NoOwnershipChurn()
    {
        // Short-lived producers hand blocks to a long-lived consumer that frees them (keeping
        // them, without ownership) and allocates the same sizes again; the producers' heaps go
        // to the pool and are taken over by later producers.
        Put("HAS_OWNERSHIP", CfaMalloc.HasOwnership);
        CfaMalloc.Free(CfaMalloc.Malloc(1));
        var s0 = CfaMalloc.GetStatistics();
        var queue = new System.Collections.Concurrent.BlockingCollection<(nint P, nuint Size, ulong Seed)>(2000);
        int errors = 0;
        long reusedByConsumer = 0;
        var consumer = new Thread(() =>
        {
            CfaMalloc.Free(CfaMalloc.Malloc(1));
            var mine = new List<(nint P, nuint Size, ulong Seed)>();
            var freed = new HashSet<nint>();
            foreach (var (p, n, seed) in queue.GetConsumingEnumerable())
            {
                if (Pattern.Check((void*)p, n, seed) >= 0)
                    Interlocked.Increment(ref errors);
                CfaMalloc.Free((void*)p);
                freed.Add(p);
                void* q = CfaMalloc.Malloc(n);
                if (freed.Contains((nint)q))
                    reusedByConsumer++;
                ulong qs = Pattern.SeedFor(q, n);
                Pattern.Fill(q, n, qs);
                mine.Add(((nint)q, n, qs));
                if (mine.Count > 500)
                {
                    foreach (var (mp, mn, ms) in mine)
                    {
                        if (Pattern.Check((void*)mp, mn, ms) >= 0)
                            Interlocked.Increment(ref errors);
                        CfaMalloc.Free((void*)mp);
                    }
                    mine.Clear();
                }
            }
            foreach (var (mp, mn, ms) in mine)
            {
                if (Pattern.Check((void*)mp, mn, ms) >= 0)
                    Interlocked.Increment(ref errors);
                CfaMalloc.Free((void*)mp);
            }
        });
        consumer.Start();
        for (int wave = 0; wave < 60; wave++)
        {
            var producers = new Thread[4];
            for (int t = 0; t < producers.Length; t++)
            {
                int id = wave * 4 + t;
                producers[t] = new Thread(() =>
                {
                    var rng = new Random(id);
                    for (int i = 0; i < 150; i++)
                    {
                        nuint n = (nuint)rng.Next(1, 3000);
                        void* p = CfaMalloc.Malloc(n);
                        ulong seed = Pattern.SeedFor(p, n);
                        Pattern.Fill(p, n, seed);
                        queue.Add(((nint)p, n, seed));
                    }
                });
                producers[t].Start();
            }
            foreach (var t in producers)
                t.Join();
            if (wave % 10 == 9)
            {
                GC.Collect();
                GC.WaitForPendingFinalizers();
            }
        }
        queue.CompleteAdding();
        consumer.Join();
        var s1 = CfaMalloc.GetStatistics();
        Put("ERRORS", errors);
        Put("REUSED_BY_CONSUMER", reusedByConsumer);
        Put("PUSHES_DELTA", s1.RemotePushes - s0.RemotePushes);
        Put("INUSE_DELTA", s1.BytesInUse - s0.BytesInUse);
        Put("HEAPS_NEW_DELTA", s1.HeapsNew - s0.HeapsNew);
        return true;
    }

    /// <summary>
    /// Counts the methods this thread JIT-compiles while it runs every kind of allocator path once
    /// (fast and slow, small and large, aligned, zero-filled, realloc, remote free, trim), with or
    /// without <see cref="CfaMalloc.Precompile"/> first. This method is compiled before it runs, so
    /// what is compiled inside the window is the allocator's own code.
    /// </summary>
    private static bool Precompile(bool precompile)
    {
        if (precompile)
            CfaMalloc.Precompile();
        nint remote = 0;
        var owner = new Thread(() => remote = (nint)CfaMalloc.Malloc(200));
        owner.Start();
        owner.Join();
        long before = System.Runtime.JitInfo.GetCompiledMethodCount(currentThread: true);
        void* a = CfaMalloc.Malloc(24);
        void* b = CfaMalloc.Calloc(3, 1000);
        void* c = CfaMalloc.Memalign(256, 5000);
        void* d = CfaMalloc.Realloc(CfaMalloc.Malloc(100), 9000);
        void* e = CfaMalloc.Malloc(3 << 20);
        void* f = CfaMalloc.Realloc(e, 5 << 20);
        void* g = CfaMalloc.Aalloc(10, 100);
        void* h = CfaMalloc.Resize(CfaMalloc.Malloc(40), 4000);
        CfaMalloc.Free((void*)remote);
        CfaMalloc.Free(a);
        CfaMalloc.Free(b);
        CfaMalloc.Free(c);
        CfaMalloc.Free(d);
        CfaMalloc.Free(f);
        CfaMalloc.Free(g);
        CfaMalloc.Free(h);
        CfaMalloc.Free(null);
        CfaMalloc.MallocTrim(0);
        long after = System.Runtime.JitInfo.GetCompiledMethodCount(currentThread: true);
        Put("COMPILED", after - before);
        return true;
    }

    /// <summary>
    /// Whether this build asserts the heap's invariants on its slow paths (a debug build does, a release build does not):
    /// a stress with cross-thread frees runs under the assertions, then a free list is bent into a cycle and MallocTrim,
    /// which checks the caller's heap before it walks the free lists, reports it (TRIM) or not; the list is restored
    /// and trimmed again (AFTER).
    /// </summary>
    private static bool HeapInvariantsOnSlowPaths()
    {
        var debuggable = typeof(CfaMalloc).Assembly.GetCustomAttributes(typeof(System.Diagnostics.DebuggableAttribute), false);
        Put("DEBUG_BUILD", debuggable.Length > 0 && ((System.Diagnostics.DebuggableAttribute)debuggable[0]).IsJITOptimizerDisabled);
        var r = StressWorkload.Run(4, 50_000, 20261204);
        Put("STRESS_OPERATIONS", r.Operations);
        Put("STRESS_ERRORS", r.Errors.Count);
        Put("STRESS_FIRST_ERROR", r.Errors.TryPeek(out string? first) ? first : "none");

        var thread = new Thread(() =>
        {
            void* a = CfaMalloc.Malloc(64), b = CfaMalloc.Malloc(64), c = CfaMalloc.Malloc(64);
            CfaMalloc.Free(a);
            CfaMalloc.Free(b);
            CfaMalloc.Free(c);
            // The free list is c -> b -> a -> ...; each link is the first word of the block's 16-byte header.
            var aLink = (nuint*)((byte*)a - 16);
            nuint saved = *aLink;
            *aLink = (nuint)((byte*)c - 16);
            Put("CYCLE_AT", Hex((byte*)a - 16));
            Catch("TRIM", () => CfaMalloc.MallocTrim(0));
            *aLink = saved;
            Catch("AFTER", () => CfaMalloc.MallocTrim(0));
            Put("SAME_BLOCK_BACK", CfaMalloc.Malloc(64) == c);
            CfaMalloc.Free(c);
        });
        thread.Start();
        thread.Join();
        return true;
    }

    private static bool TopPad()
    {
        void* warm = CfaMalloc.Malloc(1);
        CfaMalloc.Free(warm);
        Put("MALLOPT", CfaMalloc.Mallopt(CfaMalloc.M_TOP_PAD, 1 << 20));
        return Extension();
    }

    private static bool Extension()
    {
        void* warm = CfaMalloc.Malloc(1);
        CfaMalloc.Free(warm);
        var s0 = CfaMalloc.GetStatistics();
        const int N = 24 * 1024;
        var blocks = new nint[N];
        for (int i = 0; i < N; i++)
        {
            blocks[i] = (nint)CfaMalloc.Malloc(1024);
            *(long*)blocks[i] = i;
        }
        var s1 = CfaMalloc.GetStatistics();
        Put("EXTEND_CALLS", s1.ExtendCalls - s0.ExtendCalls);
        Put("EXTEND_BYTES", s1.ExtendBytes - s0.ExtendBytes);
        bool ok = true;
        for (int i = 0; i < N; i++)
        {
            ok &= *(long*)blocks[i] == i;
            CfaMalloc.Free((void*)blocks[i]);
        }
        Put("INTACT", ok);
        return true;
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "mincore")]
    private static extern int mincore(void* address, nuint length, byte* residency);

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "madvise")]
    private static extern int madvise(void* address, nuint length, int advice);

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "mmap")]
    private static extern void* mmap(void* address, nuint length, int protection, int flags, int fd, nint offset);

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "munmap")]
    private static extern int munmap(void* address, nuint length);

    /// <summary>How many of the <paramref name="pages"/> pages from <paramref name="start"/> are resident (mincore).</summary>
    private static int ResidentPages(nuint start, int pages)
    {
        byte* flags = stackalloc byte[pages];
        if (mincore((void*)start, (nuint)(pages * Environment.SystemPageSize), flags) != 0)
            throw new InvalidOperationException("mincore failed");
        int resident = 0;
        for (int i = 0; i < pages; i++)
            resident += flags[i] & 1;
        return resident;
    }

    /// <summary>
    /// The first allocation of a fresh process carves from a fresh bump area: how many of the 15 pages after the
    /// block's page are resident (prefaulted), what the statistics count, what MallocTrim gives back, and whether
    /// blocks carved across the prefaulted pages keep what is written into them.
    /// </summary>
    /// <summary>
    /// Realloc and resize of the last block carved from the bump area, in a fresh heap (every bucket's free list
    /// empty at the start). Reports whether each step stayed in place, where the next carve landed, and whether
    /// the contents, sizes, alignment and zero fill came through.
    /// </summary>
    private static bool ReallocLastCarved()
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
        return true;
    }

    /// <summary>
    /// Realloc of the last block carved past the mmap threshold, in a fresh heap: the growth in place (at the default
    /// threshold, 512 KiB), then at a threshold of 128 KiB, so that every block crosses it with room to spare in the
    /// bump area: the zero fill, the free of such a block (its pages go back to the OS unless it is still the last
    /// carved), the reuse of a freed one by a realloc that moves, and a malloc at the threshold that still maps.
    /// </summary>
    private static bool ReallocPastThreshold()
    {
        long inUse0 = CfaMalloc.GetStatistics().BytesInUse;
        nuint page = (nuint)Environment.SystemPageSize;

        // A 64 KiB block grown to 700 KiB and 1 MiB where it is, then shrunk back to 100 KiB where it is.
        var s0 = CfaMalloc.GetStatistics();
        byte* p = (byte*)CfaMalloc.Malloc(64 * 1024);
        ulong seed = Pattern.SeedFor(p, 64 * 1024);
        Pattern.Fill(p, 64 * 1024, seed);
        byte* q = (byte*)CfaMalloc.Realloc(p, 700 * 1024);
        Put("GROW_700K_IN_PLACE", q == p);
        Put("GROW_700K_USABLE", CfaMalloc.MallocUsableSize(q));
        byte* r = (byte*)CfaMalloc.Realloc(q, 1024 * 1024);
        Put("GROW_1M_IN_PLACE", r == p);
        Put("GROW_PATTERN", Pattern.Check(r, 64 * 1024, seed));
        Put("GROW_SIZE", CfaMalloc.MallocSize(r));
        Pattern.FillByte(r + 64 * 1024, 1024 * 1024 - 64 * 1024, 0xAB);
        byte* s = (byte*)CfaMalloc.Realloc(r, 100 * 1024);
        Put("SHRINK_IN_PLACE", s == p);
        Put("SHRINK_USABLE", CfaMalloc.MallocUsableSize(s));
        Put("SHRINK_PATTERN", Pattern.Check(s, 64 * 1024, seed));
        Put("CHAIN_MMAP_CALLS", CfaMalloc.GetStatistics().MmapCalls - s0.MmapCalls);

        const nuint Threshold = 128 * 1024;
        nuint defaultThreshold = CfaMalloc.MmapThreshold;
        Put("MALLOPT", CfaMalloc.Mallopt(CfaMalloc.M_MMAP_THRESHOLD, (int)Threshold));

        // A zero-filled block grown past the threshold in place reads zeros past its old size (over dirty bytes: the
        // 1 MiB block's tail above went back to the bump area with 0xAB in it).
        byte* z = (byte*)CfaMalloc.Calloc(1, 40 * 1024);
        Pattern.FillByte(z, 40 * 1024, 0x5A);
        byte* z2 = (byte*)CfaMalloc.Realloc(z, 200 * 1024);
        Put("ZERO_GROW_IN_PLACE", z2 == z);
        Put("ZERO_GROW_HEAD", Pattern.CheckByte(z2, 40 * 1024, 0x5A));
        Put("ZERO_GROW_TAIL", Pattern.CheckByte(z2 + 40 * 1024, 160 * 1024, 0));
        Put("ZERO_GROW_STICKY", CfaMalloc.MallocZeroFill(z2));
        // Freed while it is the last block carved: its bytes go back to the bump area, and the next carve starts there.
        CfaMalloc.Free(z2);
        byte* after = (byte*)CfaMalloc.Malloc(30_000);
        Put("LAST_CARVED_FREE_GIVEN_BACK", after == z2);

        // Freed when it is not the last carved (a block carved after it is live): its pages go back to the OS.
        byte* b0 = (byte*)CfaMalloc.Malloc(48 * 1024);
        byte* b = (byte*)CfaMalloc.Realloc(b0, 150 * 1024);
        Put("B_IN_PLACE", b == b0);
        byte* guard = (byte*)CfaMalloc.Malloc(5000);
        Pattern.FillByte(b, 150 * 1024, 0x77);
        nuint first = ((nuint)b + page - 1) & ~(page - 1);
        const int Pages = 30;
        Put("B_RESIDENT_BEFORE_FREE", ResidentPages(first, Pages));
        CfaMalloc.Free(b);
        Put("B_RESIDENT_AFTER_FREE", ResidentPages(first, Pages));

        // A realloc that moves to that size takes the freed block (no mapping); a malloc of that size does not.
        var s1 = CfaMalloc.GetStatistics();
        byte* c = (byte*)CfaMalloc.Malloc(3000);
        seed = Pattern.SeedFor(c, 3000);
        Pattern.Fill(c, 3000, seed);
        byte* c2 = (byte*)CfaMalloc.Realloc(c, 150 * 1024);
        Put("MOVE_TOOK_FREED_BLOCK", c2 == b);
        Put("MOVE_PATTERN", Pattern.Check(c2, 3000, seed));
        Put("MOVE_MMAP_CALLS", CfaMalloc.GetStatistics().MmapCalls - s1.MmapCalls);
        CfaMalloc.Free(c2);
        var s2 = CfaMalloc.GetStatistics();
        byte* m = (byte*)CfaMalloc.Malloc(150 * 1024);
        Put("MALLOC_MAPS", CfaMalloc.GetStatistics().MmapCalls - s2.MmapCalls);
        Put("MALLOC_NOT_FREED_BLOCK", m != b);
        CfaMalloc.Free(m);

        // Freed by another thread: it goes home, and its pages go back to the OS too.
        byte* d = (byte*)CfaMalloc.Malloc(3000);
        d = (byte*)CfaMalloc.Realloc(d, 150 * 1024);
        Put("D_TOOK_FREED_BLOCK", d == b);
        Pattern.FillByte(d, 150 * 1024, 0x33);
        Put("D_RESIDENT_BEFORE_FREE", ResidentPages(first, Pages));
        var other = new Thread(() => CfaMalloc.Free(d));
        other.Start();
        other.Join();
        Put("D_RESIDENT_AFTER_REMOTE_FREE", ResidentPages(first, Pages));
        // With ownership it went home, to the remote list, and the next realloc moving to its size takes it from there.
        byte* e = (byte*)CfaMalloc.Malloc(3000);
        byte* e2 = (byte*)CfaMalloc.Realloc(e, 150 * 1024);
        Put("E_TOOK_REMOTELY_FREED_BLOCK", e2 == b);
        CfaMalloc.Free(e2);

        CfaMalloc.Mallopt(CfaMalloc.M_MMAP_THRESHOLD, (int)defaultThreshold);
        foreach (byte* live in new[] { s, after, guard })
            CfaMalloc.Free(live);
        Put("IN_USE_RESTORED", CfaMalloc.GetStatistics().BytesInUse == inUse0);
        return true;
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

    private static bool Prefault()
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
        return true;
    }
}
