using System.Globalization;
using System.Xml;

namespace Workbench.Allocator;

/// <summary>One routine's counters: calls, zero-size calls, bytes requested, block bytes allocated.</summary>
/// <param name="Calls">Calls of the routine.</param>
/// <param name="ZeroCalls">Calls with size 0 (for Free: with a null pointer).</param>
/// <param name="BytesRequested">Sum of the sizes asked for (for Free: of the blocks freed).</param>
/// <param name="BytesAllocated">Sum of block bytes (header and padding included) handed out, or for Free given back.</param>
public readonly record struct RoutineCounters(long Calls, long ZeroCalls, long BytesRequested, long BytesAllocated);

/// <summary>One heap in a statistics snapshot.</summary>
/// <param name="Number">The heap's number (0 for the first heap made).</param>
/// <param name="Owned">Whether a live thread owns it (false: pooled, waiting for a new thread).</param>
/// <param name="BytesAllocated">Block bytes its owners allocated.</param>
/// <param name="BytesFreed">Block bytes its owners freed (their own blocks or others').</param>
public readonly record struct HeapSummary(int Number, bool Owned, long BytesAllocated, long BytesFreed);

/// <summary>One size class (bucket) in a statistics snapshot, summed over the heaps it covers.</summary>
/// <param name="BlockSize">The bucket's block size in bytes (header included).</param>
/// <param name="Allocations">Blocks the bucket handed out, by every routine (realloc counts a move to this bucket).</param>
/// <param name="Frees">Blocks freed into the bucket by free's fast path (its owner's own blocks).</param>
/// <param name="Carved">
/// Blocks refills carved for the bucket from the bump area: new storage. A block carved last, given back to the bump
/// area (realloc's in-place growth and shrink) and carved again counts each time.
/// </param>
public readonly record struct BucketCounters(long BlockSize, long Allocations, long Frees, long Carved)
{
    /// <summary>
    /// Allocations served by a block that had been freed before: the allocations beyond the blocks carved. Exact once
    /// every carved block has been handed out once; until then (a refill carves up to a page of blocks ahead) a lower
    /// bound.
    /// </summary>
    public long Reused => Math.Max(0, Allocations - Carved);
}

/// <summary>
/// A snapshot of cfa-malloc's statistics, summed over every heap (live and pooled), or of one heap. Counters
/// are cumulative since the process started, or since <see cref="CfaMalloc.MallocStatsClear"/>; compare two
/// snapshots for an interval.
/// </summary>
/// <remarks>
/// Each heap counts its own operations with plain increments, so counting costs no atomic
/// instruction and no shared cache line; a snapshot reads them under the heap-list lock.
/// A snapshot taken while other threads allocate is a consistent sum of slightly different
/// moments, as in the thesis.
/// </remarks>
public sealed class AllocatorStatistics
{
    /// <summary>Malloc calls (fast and slow path).</summary>
    public RoutineCounters Malloc { get; init; }

    /// <summary>Aalloc calls.</summary>
    public RoutineCounters Aalloc { get; init; }

    /// <summary>Calloc calls.</summary>
    public RoutineCounters Calloc { get; init; }

    /// <summary>Memalign, AlignedAlloc, PosixMemalign, Valloc and Pvalloc calls.</summary>
    public RoutineCounters Memalign { get; init; }

    /// <summary>Amemalign calls.</summary>
    public RoutineCounters Amemalign { get; init; }

    /// <summary>Cmemalign calls.</summary>
    public RoutineCounters Cmemalign { get; init; }

    /// <summary>Resize and AlignedResize calls (bytes allocated: blocks taken when moving).</summary>
    public RoutineCounters Resize { get; init; }

    /// <summary>Realloc, ReallocArray and AlignedRealloc calls (bytes allocated: blocks taken when moving).</summary>
    public RoutineCounters Realloc { get; init; }

    /// <summary>Free calls (zero calls: Free(null)).</summary>
    public RoutineCounters Free { get; init; }

    /// <summary>Blocks pushed onto another heap's remote list (frees of blocks owned by another thread).</summary>
    public long RemotePushes { get; init; }

    /// <summary>Remote lists taken by their owner (one exchange each, any number of blocks).</summary>
    public long RemotePulls { get; init; }

    /// <summary>Mappings made for large blocks.</summary>
    public long MmapCalls { get; init; }

    /// <summary>Bytes mapped for large blocks.</summary>
    public long MmapBytes { get; init; }

    /// <summary>Mappings of large blocks given back to the OS (by a free, or by the mapping cache).</summary>
    public long MunmapCalls { get; init; }

    /// <summary>Bytes of large blocks given back to the OS.</summary>
    public long MunmapBytes { get; init; }

    /// <summary>Large blocks served by a freed mapping from the mapping cache instead of a new one.</summary>
    public long MappingCacheHits { get; init; }

    /// <summary>Bytes of freed large-block mappings the cache holds now (still mapped, counted in mmap minus munmap).</summary>
    public long MappingCacheBytes { get; init; }

    /// <summary>Extensions of the shared area (commits of reserved address space).</summary>
    public long ExtendCalls { get; init; }

    /// <summary>Bytes committed to the shared area.</summary>
    public long ExtendBytes { get; init; }

    /// <summary>System calls that made bump-area pages resident ahead of use (see <see cref="AllocatorOptions.Prefault"/>).</summary>
    public long PrefaultCalls { get; init; }

    /// <summary>Bytes of bump area made resident ahead of use.</summary>
    public long PrefaultBytes { get; init; }

    /// <summary>MallocTrim calls that released memory.</summary>
    public long TrimCalls { get; init; }

    /// <summary>Bytes released to the OS by MallocTrim.</summary>
    public long TrimBytes { get; init; }

    /// <summary>Threads that made their first call (each took a heap).</summary>
    public long ThreadsStarted { get; init; }

    /// <summary>Threads whose exit was noticed and whose heap went back to the pool.</summary>
    public long ThreadsExited { get; init; }

    /// <summary>Heaps made.</summary>
    public long HeapsNew { get; init; }

    /// <summary>Heaps handed from an exited thread to a new one.</summary>
    public long HeapsReused { get; init; }

    /// <summary>
    /// New threads that found no free heap, with the pool at twice the process's CPUs or more, and yielded once before
    /// a heap was made for them (docs/allocator.md).
    /// </summary>
    public long GrowthYields { get; init; }

    /// <summary>Heaps that exist (live and pooled).</summary>
    public long Heaps { get; init; }

    /// <summary>Block bytes allocated and not yet freed (headers and padding included).</summary>
    public long BytesInUse { get; init; }

    /// <summary>
    /// Whether the fast paths counted their calls (<see cref="AllocatorOptions.CountFastPaths"/>, the default). When
    /// not, the routine and bucket counts are the general paths' alone, and <see cref="BytesInUse"/> means nothing.
    /// </summary>
    public bool FastPathsCounted { get; init; } = true;

    /// <summary>
    /// Per heap: its number, whether a thread owns it, and the block bytes allocated and
    /// freed by its owners (a block freed by another thread counts in that thread's heap).
    /// </summary>
    public IReadOnlyList<HeapSummary> PerHeap { get; init; } = [];

    /// <summary>
    /// Per size class, smallest first: the counters of its buckets in the heaps covered (llheap's per-bucket statistics,
    /// printed by <see cref="WriteText"/> when <see cref="CfaMalloc.MallocStatsAll"/> is on). Every size class is listed.
    /// </summary>
    public IReadOnlyList<BucketCounters> Buckets { get; init; } = [];

    /// <summary>
    /// Takes a snapshot of every heap, or of <paramref name="only"/> (its routine, remote, mapping and prefault
    /// counters and its bytes in use; the process-wide counters, of the shared area, the mapping cache, trims and
    /// threads, are then 0).
    /// </summary>
    internal static unsafe AllocatorStatistics Collect(ThreadHeap* only = null)
    {
        Span<RoutineTally> sums = stackalloc RoutineTally[RoutineTallies.Count];
        var perHeap = new List<HeapSummary>();
        long internalFreed = 0, pushes = 0, pulls = 0, maps = 0, mapBytes = 0, unmaps = 0, unmapBytes = 0, heaps = 0;
        long prefaults = 0, prefaultBytes = 0;
        var buckets = new BucketCounters[SizeClasses.s_count];
        for (int i = 0; i < buckets.Length; i++)
            buckets[i] = new BucketCounters((long)SizeClasses.BlockSize(i), 0, 0, 0);
        var global = HeapPool.GlobalCounters;
        using (HeapPool.HeapLock.Hold())
        {
            for (ThreadHeap* h = HeapPool.AllHeaps; h != null; h = h->NextInPool)
            {
                if (only != null && h != only)
                    continue;
                heaps++;
                long heapAllocated = 0;
                for (int r = 0; r < RoutineTallies.Count; r++)
                    if ((Routine)r != Routine.Free)
                        heapAllocated += ThreadHeap.Tally(h, (Routine)r)->Allocated;
                long heapFreed = ThreadHeap.Tally(h, Routine.Free)->Allocated + h->InternalFreed;
                for (int r = 0; r < RoutineTallies.Count; r++)
                {
                    RoutineTally* t = ThreadHeap.Tally(h, (Routine)r);
                    sums[r].Calls += t->Calls;
                    sums[r].ZeroCalls += t->ZeroCalls;
                    sums[r].Requested += t->Requested;
                    sums[r].Allocated += t->Allocated;
                }
                for (int i = 0; i < SizeClasses.s_count; i++)
                {
                    Bucket* b = ThreadHeap.BucketOf(h, i);
                    long blockSize = (long)b->BlockSize;
                    // A naturally aligned class's fast takes are memalign's (CfaMalloc.MemalignFast); malloc never takes there.
                    int taker = (int)(i < SizeClasses.s_plainCount ? Routine.Malloc : Routine.Memalign);
                    sums[taker].Calls += b->FastMallocs;
                    sums[taker].Requested += b->FastMallocBytes;
                    sums[taker].Allocated += b->FastMallocs * blockSize;
                    sums[(int)Routine.Free].Calls += b->FastFrees;
                    sums[(int)Routine.Free].Requested += b->FastFreeBytes;
                    sums[(int)Routine.Free].Allocated += b->FastFrees * blockSize;
                    sums[(int)Routine.Calloc].Calls += b->FastCallocs;
                    sums[(int)Routine.Calloc].Requested += b->FastCallocBytes;
                    sums[(int)Routine.Calloc].Allocated += b->FastCallocs * blockSize;
                    heapAllocated += (b->FastMallocs + b->FastCallocs) * blockSize;
                    heapFreed += b->FastFrees * blockSize;
                    BucketTally* other = ThreadHeap.BucketTallyOf(h, i);
                    BucketCounters sum = buckets[i];
                    buckets[i] = sum with
                    {
                        Allocations = sum.Allocations + b->FastMallocs + b->FastCallocs + other->OtherTakes,
                        Frees = sum.Frees + b->FastFrees,
                        Carved = sum.Carved + other->Carved,
                    };
                }
                perHeap.Add(new HeapSummary(h->Id, HeapPool.IsOwned(h), heapAllocated, heapFreed));
                internalFreed += h->InternalFreed;
                pushes += h->RemotePushes;
                pulls += h->RemotePulls;
                maps += h->MapCalls;
                mapBytes += h->MapBytes;
                unmaps += h->UnmapCalls;
                unmapBytes += h->UnmapBytes;
                prefaults += h->PrefaultCalls;
                prefaultBytes += h->PrefaultBytes;
            }
        }

        var cache = MappingCache.Counters;
        long allocated = 0;
        for (int r = 0; r < RoutineTallies.Count; r++)
            if ((Routine)r != Routine.Free)
                allocated += sums[r].Allocated;

        static RoutineCounters C(RoutineTally t) => new(t.Calls, t.ZeroCalls, t.Requested, t.Allocated);
        if (only != null)
        {
            cache = default;
            global = default;
        }
        return new AllocatorStatistics
        {
            Malloc = C(sums[(int)Routine.Malloc]),
            Aalloc = C(sums[(int)Routine.Aalloc]),
            Calloc = C(sums[(int)Routine.Calloc]),
            Memalign = C(sums[(int)Routine.Memalign]),
            Amemalign = C(sums[(int)Routine.Amemalign]),
            Cmemalign = C(sums[(int)Routine.Cmemalign]),
            Resize = C(sums[(int)Routine.Resize]),
            Realloc = C(sums[(int)Routine.Realloc]),
            Free = C(sums[(int)Routine.Free]),
            RemotePushes = pushes,
            RemotePulls = pulls,
            MmapCalls = maps,
            MmapBytes = mapBytes,
            MunmapCalls = unmaps + cache.UnmapCalls,
            MunmapBytes = unmapBytes + cache.UnmapBytes,
            MappingCacheHits = cache.Hits,
            MappingCacheBytes = cache.CachedBytes,
            ExtendCalls = global.ExtendCalls,
            ExtendBytes = global.ExtendBytes,
            PrefaultCalls = prefaults,
            PrefaultBytes = prefaultBytes,
            TrimCalls = global.TrimCalls,
            TrimBytes = global.TrimBytes,
            ThreadsStarted = global.ThreadsStarted,
            ThreadsExited = global.ThreadsExited,
            HeapsNew = global.HeapsNew,
            HeapsReused = global.HeapsReused,
            GrowthYields = global.GrowthYields,
            Heaps = heaps,
            PerHeap = perHeap.OrderBy(x => x.Number).ToArray(),
            Buckets = buckets,
            BytesInUse = allocated - sums[(int)Routine.Free].Allocated - internalFreed,
            FastPathsCounted = FastPathValues.CountsFastPaths,
        };
    }

    /// <summary>
    /// These statistics counted from <paramref name="baseline"/> (a snapshot taken earlier, by
    /// <see cref="CfaMalloc.MallocStatsClear"/>): the operation counters (routines, remote pushes and pulls, mapping
    /// cache hits, prefaults, trims, threads, heaps made and reused, and each heap's bytes allocated and freed) less
    /// the baseline's; what describes memory now (bytes in use, extends, mappings, cached bytes, heaps) as it is.
    /// </summary>
    internal AllocatorStatistics Since(AllocatorStatistics baseline)
    {
        static RoutineCounters Less(RoutineCounters a, RoutineCounters b)
            => new(a.Calls - b.Calls, a.ZeroCalls - b.ZeroCalls, a.BytesRequested - b.BytesRequested, a.BytesAllocated - b.BytesAllocated);
        var before = baseline.PerHeap.ToDictionary(h => h.Number);
        return new AllocatorStatistics
        {
            Malloc = Less(Malloc, baseline.Malloc),
            Aalloc = Less(Aalloc, baseline.Aalloc),
            Calloc = Less(Calloc, baseline.Calloc),
            Memalign = Less(Memalign, baseline.Memalign),
            Amemalign = Less(Amemalign, baseline.Amemalign),
            Cmemalign = Less(Cmemalign, baseline.Cmemalign),
            Resize = Less(Resize, baseline.Resize),
            Realloc = Less(Realloc, baseline.Realloc),
            Free = Less(Free, baseline.Free),
            RemotePushes = RemotePushes - baseline.RemotePushes,
            RemotePulls = RemotePulls - baseline.RemotePulls,
            MmapCalls = MmapCalls,
            MmapBytes = MmapBytes,
            MunmapCalls = MunmapCalls,
            MunmapBytes = MunmapBytes,
            MappingCacheHits = MappingCacheHits - baseline.MappingCacheHits,
            MappingCacheBytes = MappingCacheBytes,
            ExtendCalls = ExtendCalls,
            ExtendBytes = ExtendBytes,
            PrefaultCalls = PrefaultCalls - baseline.PrefaultCalls,
            PrefaultBytes = PrefaultBytes - baseline.PrefaultBytes,
            TrimCalls = TrimCalls - baseline.TrimCalls,
            TrimBytes = TrimBytes - baseline.TrimBytes,
            ThreadsStarted = ThreadsStarted - baseline.ThreadsStarted,
            ThreadsExited = ThreadsExited - baseline.ThreadsExited,
            GrowthYields = GrowthYields - baseline.GrowthYields,
            HeapsNew = HeapsNew - baseline.HeapsNew,
            HeapsReused = HeapsReused - baseline.HeapsReused,
            Heaps = Heaps,
            BytesInUse = BytesInUse,
            FastPathsCounted = FastPathsCounted,
            PerHeap = PerHeap.Select(h => before.TryGetValue(h.Number, out HeapSummary b)
                ? h with { BytesAllocated = h.BytesAllocated - b.BytesAllocated, BytesFreed = h.BytesFreed - b.BytesFreed }
                : h).ToArray(),
            Buckets = Buckets.Select((b, i) => i < baseline.Buckets.Count
                ? b with
                {
                    Allocations = b.Allocations - baseline.Buckets[i].Allocations,
                    Frees = b.Frees - baseline.Buckets[i].Frees,
                    Carved = b.Carved - baseline.Buckets[i].Carved,
                }
                : b).ToArray(),
        };
    }

    private IEnumerable<(string Name, RoutineCounters Counters)> Routines()
    {
        yield return ("malloc", Malloc);
        yield return ("aalloc", Aalloc);
        yield return ("calloc", Calloc);
        yield return ("memalign", Memalign);
        yield return ("amemalign", Amemalign);
        yield return ("cmemalign", Cmemalign);
        yield return ("resize", Resize);
        yield return ("realloc", Realloc);
        yield return ("free", Free);
    }

    /// <summary>
    /// Prints the statistics as text, in the layout of the thesis's malloc_stats; with <paramref name="buckets"/>, then
    /// one line per size class that handed out a block (llheap's malloc_stats_all).
    /// </summary>
    public void WriteText(TextWriter writer, bool buckets = false)
    {
        ArgumentNullException.ThrowIfNull(writer);
        var inv = CultureInfo.InvariantCulture;
        writer.WriteLine("cfa-malloc statistics");
        foreach (var (name, c) in Routines())
            writer.WriteLine(string.Format(inv, "  {0,-10} calls {1,12:N0}; 0-calls {2,10:N0}; requested {3,16:N0} B; allocated {4,16:N0} B", name, c.Calls, c.ZeroCalls, c.BytesRequested, c.BytesAllocated));
        writer.WriteLine(string.Format(inv, "  remote     pushes {0:N0}; pulls {1:N0}", RemotePushes, RemotePulls));
        writer.WriteLine(string.Format(inv, "  mmap       calls {0:N0}; {1:N0} B    munmap calls {2:N0}; {3:N0} B", MmapCalls, MmapBytes, MunmapCalls, MunmapBytes));
        writer.WriteLine(string.Format(inv, "  map cache  hits {0:N0}; holding {1:N0} B", MappingCacheHits, MappingCacheBytes));
        writer.WriteLine(string.Format(inv, "  extend     calls {0:N0}; {1:N0} B    trim calls {2:N0}; {3:N0} B", ExtendCalls, ExtendBytes, TrimCalls, TrimBytes));
        writer.WriteLine(string.Format(inv, "  prefault   calls {0:N0}; {1:N0} B", PrefaultCalls, PrefaultBytes));
        writer.WriteLine(string.Format(inv, "  threads    started {0:N0}; exited {1:N0}    heaps {2:N0} (new {3:N0}; reused {4:N0}; yields before new {5:N0})", ThreadsStarted, ThreadsExited, Heaps, HeapsNew, HeapsReused, GrowthYields));
        if (FastPathsCounted)
            writer.WriteLine(string.Format(inv, "  in use     {0:N0} B", BytesInUse));
        else
            writer.WriteLine("  counts     the general paths' alone: the fast paths do not count (CFA_MALLOC_COUNT_FAST_PATHS=0); bytes in use unknown");
        if (!buckets)
            return;
        writer.WriteLine("  buckets    block size B    allocations      reused (at least)     carved          fast frees");
        for (int i = 0; i < Buckets.Count; i++)
        {
            BucketCounters b = Buckets[i];
            // The naturally aligned classes come after the plain ones (SizeClasses), marked "a64".
            if (b.Allocations != 0 || b.Carved != 0)
                writer.WriteLine(string.Format(inv, "  {0,21:N0} {1,14:N0} {2,19:N0} {3,14:N0} {4,19:N0}{5}", b.BlockSize, b.Allocations, b.Reused, b.Carved, b.Frees,
                    i >= SizeClasses.s_plainCount ? "  a64" : ""));
        }
    }

    /// <summary>
    /// Prints the statistics as XML in the shape of glibc's <c>malloc_info</c>: a
    /// <c>&lt;malloc version="1"&gt;</c> root with <c>total</c>, <c>system</c> and <c>aspace</c>
    /// elements, plus a <c>routine</c> element per routine for what glibc does not count.
    /// </summary>
    public void WriteXml(TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        var settings = new XmlWriterSettings { Indent = true, OmitXmlDeclaration = true };
        using var xml = XmlWriter.Create(writer, settings);
        xml.WriteStartElement("malloc");
        xml.WriteAttributeString("version", "1");
        foreach (HeapSummary heap in PerHeap)
        {
            xml.WriteStartElement("heap");
            xml.WriteAttributeString("nr", heap.Number.ToString(CultureInfo.InvariantCulture));
            xml.WriteAttributeString("owned", heap.Owned ? "1" : "0");
            xml.WriteStartElement("total");
            xml.WriteAttributeString("type", "allocated");
            xml.WriteAttributeString("size", heap.BytesAllocated.ToString(CultureInfo.InvariantCulture));
            xml.WriteEndElement();
            xml.WriteStartElement("total");
            xml.WriteAttributeString("type", "freed");
            xml.WriteAttributeString("size", heap.BytesFreed.ToString(CultureInfo.InvariantCulture));
            xml.WriteEndElement();
            xml.WriteEndElement();
        }
        void Element(string name, string type, params (string Key, long Value)[] attributes)
        {
            xml.WriteStartElement(name);
            xml.WriteAttributeString("type", type);
            foreach (var (key, value) in attributes)
                xml.WriteAttributeString(key, value.ToString(CultureInfo.InvariantCulture));
            xml.WriteEndElement();
        }
        Element("total", "inuse", ("size", BytesInUse));
        Element("total", "mmap", ("count", MmapCalls - MunmapCalls), ("size", MmapBytes - MunmapBytes));
        Element("system", "current", ("size", ExtendBytes + MmapBytes - MunmapBytes));
        Element("aspace", "total", ("size", ExtendBytes));
        Element("aspace", "mprotect", ("size", ExtendBytes));
        foreach (var (name, c) in Routines())
        {
            xml.WriteStartElement("routine");
            xml.WriteAttributeString("name", name);
            xml.WriteAttributeString("calls", c.Calls.ToString(CultureInfo.InvariantCulture));
            xml.WriteAttributeString("zero", c.ZeroCalls.ToString(CultureInfo.InvariantCulture));
            xml.WriteAttributeString("requested", c.BytesRequested.ToString(CultureInfo.InvariantCulture));
            xml.WriteAttributeString("allocated", c.BytesAllocated.ToString(CultureInfo.InvariantCulture));
            xml.WriteEndElement();
        }
        Element("remote", "pushes", ("count", RemotePushes));
        Element("remote", "pulls", ("count", RemotePulls));
        Element("threads", "started", ("count", ThreadsStarted));
        Element("threads", "exited", ("count", ThreadsExited));
        Element("heaps", "new", ("count", HeapsNew));
        Element("heaps", "reused", ("count", HeapsReused));
        Element("heaps", "yields", ("count", GrowthYields));
        xml.WriteEndElement();
        xml.Flush();
        writer.WriteLine();
    }
}
