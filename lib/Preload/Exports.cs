using System.Runtime.InteropServices;

namespace Workbench.Allocator.Preload;

/// <summary>
/// The allocator's routines as C functions, for the native front (native/front.c), which alone is exported: it
/// decides for each call whether the thread may run C# code, and calls these when it may. Each is a thin wrapper of
/// <see cref="CfaMalloc"/>; the names are hidden in the library (native/exports.map).
/// </summary>
/// <remarks>
/// Invariants: the front calls these only on a thread it has attached (<see cref="Lifecycle.Attach"/>) and not yet
/// seen leave; a failing routine returns null (or an error code) and leaves the error in the front's slot
/// (<see cref="CfaMalloc.LastError"/>), which the front copies to errno. In checked mode a detected misuse ends the process with one line naming the address
/// (<see cref="Lifecycle.Fatal"/>), as glibc's checks do: the exception cannot cross into C.
/// </remarks>
internal static unsafe class Exports
{
    [UnmanagedCallersOnly(EntryPoint = "cfa_impl_malloc")]
    private static void* Malloc(nuint size)
    {
        try { return CfaMalloc.Malloc(size); }
        catch (HeapCorruptionException e) { Lifecycle.Fatal(e); return null; }
    }

    [UnmanagedCallersOnly(EntryPoint = "cfa_impl_free")]
    private static void Free(void* p)
    {
        try { CfaMalloc.Free(p); }
        catch (HeapCorruptionException e) { Lifecycle.Fatal(e); }
    }

    [UnmanagedCallersOnly(EntryPoint = "cfa_impl_calloc")]
    private static void* Calloc(nuint count, nuint size)
    {
        try { return CfaMalloc.Calloc(count, size); }
        catch (HeapCorruptionException e) { Lifecycle.Fatal(e); return null; }
    }

    [UnmanagedCallersOnly(EntryPoint = "cfa_impl_realloc")]
    private static void* Realloc(void* p, nuint size)
    {
        try { return CfaMalloc.Realloc(p, size); }
        catch (HeapCorruptionException e) { Lifecycle.Fatal(e); return null; }
    }

    [UnmanagedCallersOnly(EntryPoint = "cfa_impl_memalign")]
    private static void* Memalign(nuint alignment, nuint size)
    {
        try { return CfaMalloc.Memalign(alignment, size); }
        catch (HeapCorruptionException e) { Lifecycle.Fatal(e); return null; }
    }

    [UnmanagedCallersOnly(EntryPoint = "cfa_impl_posix_memalign")]
    private static int PosixMemalign(void** result, nuint alignment, nuint size)
    {
        try { return CfaMalloc.PosixMemalign(result, alignment, size); }
        catch (HeapCorruptionException e) { Lifecycle.Fatal(e); return CfaMalloc.ENOMEM; }
    }

    [UnmanagedCallersOnly(EntryPoint = "cfa_impl_valloc")]
    private static void* Valloc(nuint size)
    {
        try { return CfaMalloc.Valloc(size); }
        catch (HeapCorruptionException e) { Lifecycle.Fatal(e); return null; }
    }

    [UnmanagedCallersOnly(EntryPoint = "cfa_impl_pvalloc")]
    private static void* Pvalloc(nuint size)
    {
        try { return CfaMalloc.Pvalloc(size); }
        catch (HeapCorruptionException e) { Lifecycle.Fatal(e); return null; }
    }

    [UnmanagedCallersOnly(EntryPoint = "cfa_impl_aalloc")]
    private static void* Aalloc(nuint count, nuint size)
    {
        try { return CfaMalloc.Aalloc(count, size); }
        catch (HeapCorruptionException e) { Lifecycle.Fatal(e); return null; }
    }

    [UnmanagedCallersOnly(EntryPoint = "cfa_impl_resize")]
    private static void* Resize(void* p, nuint size)
    {
        try { return CfaMalloc.Resize(p, size); }
        catch (HeapCorruptionException e) { Lifecycle.Fatal(e); return null; }
    }

    [UnmanagedCallersOnly(EntryPoint = "cfa_impl_amemalign")]
    private static void* Amemalign(nuint alignment, nuint count, nuint size)
    {
        try { return CfaMalloc.Amemalign(alignment, count, size); }
        catch (HeapCorruptionException e) { Lifecycle.Fatal(e); return null; }
    }

    [UnmanagedCallersOnly(EntryPoint = "cfa_impl_cmemalign")]
    private static void* Cmemalign(nuint alignment, nuint count, nuint size)
    {
        try { return CfaMalloc.Cmemalign(alignment, count, size); }
        catch (HeapCorruptionException e) { Lifecycle.Fatal(e); return null; }
    }

    [UnmanagedCallersOnly(EntryPoint = "cfa_impl_aligned_resize")]
    private static void* AlignedResize(void* p, nuint alignment, nuint size)
    {
        try { return CfaMalloc.AlignedResize(p, alignment, size); }
        catch (HeapCorruptionException e) { Lifecycle.Fatal(e); return null; }
    }

    [UnmanagedCallersOnly(EntryPoint = "cfa_impl_aligned_realloc")]
    private static void* AlignedRealloc(void* p, nuint alignment, nuint size)
    {
        try { return CfaMalloc.AlignedRealloc(p, alignment, size); }
        catch (HeapCorruptionException e) { Lifecycle.Fatal(e); return null; }
    }

    [UnmanagedCallersOnly(EntryPoint = "cfa_impl_usable_size")]
    private static nuint UsableSize(void* p) => CfaMalloc.MallocUsableSize(p);

    [UnmanagedCallersOnly(EntryPoint = "cfa_impl_size")]
    private static nuint Size(void* p) => CfaMalloc.MallocSize(p);

    [UnmanagedCallersOnly(EntryPoint = "cfa_impl_alignment")]
    private static nuint Alignment(void* p) => CfaMalloc.MallocAlignment(p);

    [UnmanagedCallersOnly(EntryPoint = "cfa_impl_zero_fill")]
    private static int ZeroFill(void* p) => CfaMalloc.MallocZeroFill(p) ? 1 : 0;

    [UnmanagedCallersOnly(EntryPoint = "cfa_impl_remote")]
    private static int Remote(void* p) => CfaMalloc.MallocRemote(p) ? 1 : 0;

    [UnmanagedCallersOnly(EntryPoint = "cfa_impl_mallopt")]
    private static int Mallopt(int option, int value) => CfaMalloc.Mallopt(option, value);

    [UnmanagedCallersOnly(EntryPoint = "cfa_impl_trim")]
    private static int Trim(nuint pad) => CfaMalloc.MallocTrim(pad);

    /// <summary>Writes malloc_stats' text to the file descriptor <paramref name="fd"/>.</summary>
    [UnmanagedCallersOnly(EntryPoint = "cfa_impl_stats")]
    private static void Stats(int fd)
    {
        Lifecycle.DrainDeferred();
        var text = new StringWriter();
        CfaMalloc.MallocStats(text);
        Lifecycle.Write(fd, text.ToString());
    }

    /// <summary>Writes the calling thread's heap statistics (heap_stats) to the file descriptor <paramref name="fd"/>.</summary>
    [UnmanagedCallersOnly(EntryPoint = "cfa_impl_heap_stats")]
    private static void HeapStats(int fd)
    {
        var text = new StringWriter();
        CfaMalloc.HeapStats(text);
        Lifecycle.Write(fd, text.ToString());
    }

    /// <summary>llheap's malloc_stats_all: whether the statistics print one line per size class; returns the previous state.</summary>
    [UnmanagedCallersOnly(EntryPoint = "cfa_impl_stats_all")]
    private static int StatsAll(int state) => CfaMalloc.MallocStatsAll(state != 0) ? 1 : 0;

    [UnmanagedCallersOnly(EntryPoint = "cfa_impl_stats_clear")]
    private static void StatsClear()
    {
        Lifecycle.DrainDeferred();
        CfaMalloc.MallocStatsClear();
    }

    [UnmanagedCallersOnly(EntryPoint = "cfa_impl_unfreed")]
    private static nuint Unfreed() => CfaMalloc.MallocUnfreed;

    /// <summary>Checked mode's report of storage not freed, to <paramref name="fd"/>, when there is more than malloc_unfreed allows.</summary>
    [UnmanagedCallersOnly(EntryPoint = "cfa_impl_unfreed_report")]
    private static void UnfreedReport(int fd)
    {
        if (!CfaMalloc.IsChecked)
            return;
        var text = new StringWriter();
        if (CfaMalloc.WriteUnfreedReport(text))
            Lifecycle.Write(fd, text.ToString());
    }

    /// <summary>
    /// Writes malloc_info's XML into <paramref name="buffer"/> when it holds <paramref name="capacity"/> bytes or more,
    /// and returns its length in bytes either way (the front asks again with a buffer that large).
    /// </summary>
    [UnmanagedCallersOnly(EntryPoint = "cfa_impl_info")]
    private static nuint Info(byte* buffer, nuint capacity)
    {
        var text = new StringWriter();
        CfaMalloc.MallocInfo(text);
        byte[] bytes = System.Text.Encoding.UTF8.GetBytes(text.ToString());
        if ((nuint)bytes.Length <= capacity)
            bytes.CopyTo(new Span<byte>(buffer, bytes.Length));
        return (nuint)bytes.Length;
    }

    [UnmanagedCallersOnly(EntryPoint = "cfa_impl_start")]
    private static int Start(nint* deferred) => Lifecycle.Start(deferred);

    [UnmanagedCallersOnly(EntryPoint = "cfa_impl_attach")]
    private static int Attach() => Lifecycle.Attach();

    [UnmanagedCallersOnly(EntryPoint = "cfa_impl_detach")]
    private static void Detach() => Lifecycle.Detach();

    [UnmanagedCallersOnly(EntryPoint = "cfa_impl_fork_prepare")]
    private static void ForkPrepare() => ForkSafety.Prepare();

    [UnmanagedCallersOnly(EntryPoint = "cfa_impl_fork_resume")]
    private static void ForkResume() => ForkSafety.Resume();

    /// <summary>Collections of the hosted runtime's GC so far (the allocator should never need one).</summary>
    [UnmanagedCallersOnly(EntryPoint = "cfa_impl_gc_count")]
    private static int GcCount() => GC.CollectionCount(0);

    /// <summary>Managed bytes allocated so far by the hosted runtime, all threads.</summary>
    [UnmanagedCallersOnly(EntryPoint = "cfa_impl_managed_bytes")]
    private static long ManagedBytes() => GC.GetTotalAllocatedBytes(precise: false);
}
