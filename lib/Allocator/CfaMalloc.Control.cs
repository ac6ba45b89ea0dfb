using System.Runtime.CompilerServices;

namespace Workbench.Allocator;

// Control and introspection: mallopt, malloc_trim, statistics, the checked-mode report.
public static unsafe partial class CfaMalloc
{
    /// <summary>The byte checked mode writes into new storage (not into zero-filled storage).</summary>
    public const byte CheckedAllocFill = CheckedMode.AllocFill;

    /// <summary>The byte checked mode writes into freed storage.</summary>
    public const byte CheckedFreeFill = CheckedMode.FreeFill;

    /// <summary>
    /// Sets a tuning option, with glibc's numbers: <see cref="M_MMAP_THRESHOLD"/> (64 KiB to
    /// 4 MiB) and <see cref="M_TOP_PAD"/> (1 B to 1 GiB); and cfa-malloc's <see cref="M_MMAP_CACHE"/> (0 to 1 GiB) and
    /// <see cref="M_PREFAULT"/> (0 to 2 MiB). Returns 1 on success, 0 for an unknown
    /// or unsupported option (including <see cref="M_TRIM_THRESHOLD"/>) or a value out of range.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int Mallopt(int option, int value)
    {
        switch (option)
        {
            case M_MMAP_THRESHOLD when value > 0 && Tunables.IsValidMmapThreshold((nuint)value):
                Tunables.SetMmapThreshold((nuint)value);
                return 1;
            case M_TOP_PAD when value > 0 && Tunables.IsValidExtension((nuint)value):
                Tunables.s_extension = (nuint)value;
                return 1;
            case M_MMAP_CACHE when value >= 0 && Tunables.IsValidMappingCache((nuint)value):
                MappingCache.SetLimit((nuint)value);
                return 1;
            case M_PREFAULT when value >= 0 && Tunables.IsValidPrefault((nuint)value):
                Tunables.s_prefault = (nuint)value;
                return 1;
            default:
                return 0;
        }
    }

    /// <summary>
    /// Gives the whole pages inside free blocks back to the OS (calling thread's heap and
    /// pooled heaps), keeping <paramref name="pad"/> bytes of free blocks untouched, the prefaulted pages of their bump
    /// areas that no block uses yet (after the pad), and the
    /// cached mappings of freed large blocks; blocks the calling thread freed for other heaps go home. Returns 1
    /// when memory was released, else 0. Does nothing in checked mode.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int MallocTrim(nuint pad) => Trimming.Trim(pad) > 0 ? 1 : 0;

    /// <summary>
    /// Returns the calling thread's heap to the pool now, as the thread's end would (mimalloc's <c>mi_thread_done</c>),
    /// with the blocks it freed for other heaps sent home first: for a thread about to end. A .NET thread's end reaches
    /// the allocator only through a finalizer, after a collection, or when a new thread finds no free heap and looks
    /// for owners that have ended; until then the heap, with its free blocks, serves no one. Calling it is never
    /// needed, and a thread that allocates again afterwards takes a heap from the pool as at its first call.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ThreadDone() => HeapPool.ReleaseCurrent();

    /// <summary>
    /// Starts the allocator and JIT-compiles every one of its routines, fast and slow paths alike, fully
    /// optimised, so that no later call pays for compiling one (a native allocator's code is compiled ahead
    /// of time). Benchmarks call it before measuring; a program may call it at start-up. Safe to
    /// call more than once and from any thread.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Precompile() => Precompilation.Run();

    /// <summary>A snapshot of the statistics, summed over every heap, since the process started or the last <see cref="MallocStatsClear"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static AllocatorStatistics GetStatistics() => StatisticsBaseline.Process();

    /// <summary>
    /// The statistics of the calling thread's heap alone (llheap's heap_stats), since it was made or the last
    /// <see cref="MallocStatsClear"/>; the process-wide counters in it are 0. A thread that has not allocated yet has
    /// no heap, and gets a snapshot of zeros.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static AllocatorStatistics GetHeapStatistics()
    {
        ThreadHeap* heap = CurrentHeap.Heap;
        return heap == null ? new AllocatorStatistics() : StatisticsBaseline.Heap(heap);
    }

    /// <summary>
    /// Starts the statistics' operation counters again from zero (llheap's malloc_stats_clear), for the process and
    /// for each heap; what describes memory now (bytes in use, mappings, extends) stays as it is. Exact even while
    /// other threads allocate: it takes a snapshot to count from, and writes no counter.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void MallocStatsClear() => StatisticsBaseline.Clear();

    /// <summary>Prints the statistics as text (malloc_stats), with one line per size class when <see cref="MallocStatsAll"/> is on.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void MallocStats(TextWriter writer) => GetStatistics().WriteText(writer, s_statsAll);

    /// <summary>
    /// Prints the calling thread's heap statistics as text (llheap's heap_stats), with one line per size class when
    /// <see cref="MallocStatsAll"/> is on; see <see cref="GetHeapStatistics"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void HeapStats(TextWriter writer) => GetHeapStatistics().WriteText(writer, s_statsAll);

    private static volatile bool s_statsAll;

    /// <summary>
    /// Whether <see cref="MallocStats"/> also prints the per-bucket counters (llheap's malloc_stats_all): sets it to
    /// <paramref name="state"/> and returns what it was. Off at start. <see cref="AllocatorStatistics.Buckets"/> holds
    /// the counters either way.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static bool MallocStatsAll(bool state)
    {
        bool before = s_statsAll;
        s_statsAll = state;
        return before;
    }

    /// <summary>Prints the statistics as XML in the shape of glibc's malloc_info.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void MallocInfo(TextWriter writer) => GetStatistics().WriteXml(writer);

    /// <summary>
    /// The bytes of storage the program knows it leaves allocated at exit (llheap's malloc_unfreed), subtracted before
    /// <see cref="WriteUnfreedReport"/> warns: storage of the runtime or of libraries that is never freed. Starts as
    /// the environment's <c>CFA_MALLOC_UNFREED</c> (bytes), else 0.
    /// </summary>
    public static nuint MallocUnfreed
    {
        get => Tunables.s_unfreedAllowance;
        set => Tunables.s_unfreedAllowance = value;
    }

    /// <summary>
    /// Checked mode's report of storage not freed (llheap prints it at exit; the preloaded library does too): when the
    /// live blocks hold more than <see cref="MallocUnfreed"/> bytes, writes one line with their count and bytes, and
    /// the first few addresses, and returns true. Checked mode only: otherwise throws <see cref="InvalidOperationException"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static bool WriteUnfreedReport(TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        IReadOnlyList<UnfreedBlock> blocks = Unfreed();
        ulong bytes = 0;
        foreach (UnfreedBlock b in blocks)
            bytes += b.Size;
        ulong allowance = Tunables.s_unfreedAllowance;
        if (bytes <= allowance)
            return false;
        string first = string.Join(", ", blocks.Take(5).Select(b => $"0x{(ulong)b.Address:x} ({b.Size} B)"));
        writer.WriteLine($"cfa-malloc checked mode: warning: {bytes - allowance} bytes in {blocks.Count} blocks allocated and not freed (after subtracting {allowance} bytes that malloc_unfreed or CFA_MALLOC_UNFREED allows){(blocks.Count > 0 ? "; first: " + first : "")}");
        return true;
    }

    /// <summary>
    /// The blocks allocated and not freed, by address. Checked mode only: otherwise throws
    /// <see cref="InvalidOperationException"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static IReadOnlyList<UnfreedBlock> Unfreed()
    {
        if (!Policy.Checked)
            throw new InvalidOperationException("Unfreed() needs checked mode: start the process with CFA_MALLOC_CHECKED=1 or call CfaMalloc.Configure(new AllocatorOptions { Checked = true }) first.");
        return CheckedMode.Unfreed();
    }

    /// <summary>
    /// Allocates <paramref name="count"/> elements of <typeparamref name="T"/> as a disposable
    /// buffer, so that C# code uses the allocator through a <see cref="Span{T}"/> instead of
    /// pointers. Throws <see cref="OutOfMemoryException"/> when the allocator returns null.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static CfaBuffer<T> Alloc<T>(int count, nuint alignment = 16, bool zeroFill = false) where T : unmanaged
        => new(count, alignment, zeroFill);
}
