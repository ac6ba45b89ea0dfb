using System.Runtime.CompilerServices;

namespace Workbench.Allocator;

/// <summary>
/// The cache of freed large-block mappings: a mapping whose block is freed is kept, still
/// resident, for the next large request that fits it, instead of going back to the OS at once.
/// </summary>
/// <remarks>
/// <para>Why: on this project's VMs a page fault costs several microseconds, and a fresh mapping
/// faults on every page it touches. A program that allocates and frees large blocks in turn (a
/// growing buffer, a realloc chain) paid that on every block; jemalloc, tcmalloc and mimalloc keep
/// freed large extents for reuse, glibc raises its mmap threshold for the same reason.</para>
/// Invariants:
/// <list type="bullet">
/// <item>Every field changes under <see cref="s_lock"/> only (large blocks are rare and slow
/// compared with the lock).</item>
/// <item>Entries <c>[0, s_count)</c> of <see cref="s_address"/>/<see cref="s_bytes"/> are page-aligned ranges of
/// mappings made by <see cref="OsMemory.Map"/>, owned by no block, oldest first: whole mappings, the tails that a
/// shrinking realloc cut off its block's mapping (<see cref="ReallocPaths"/>), or neighbours joined into one range.
/// No two entries are adjacent when their sum fits in half the cache: <see cref="TryKeep"/> joins them, so a mapping
/// cut into pieces and freed piece by piece comes back whole. <see cref="s_cachedBytes"/> is their sum and never
/// exceeds <see cref="Limit"/> after any call returns.</item>
/// <item><see cref="s_lentBytes"/> is the sum of the mappings blocks hold (each counted when mapped or taken, and
/// uncounted when kept or unmapped by <see cref="TryKeep"/>), never below 0.</item>
/// <item>A cached range is handed out whole only to a request that needs between half of it and all of it (the realloc
/// in-place rule), so reuse wastes at most half a mapping; a larger one is split where mappings can be
/// (<see cref="Take"/>), and only the part a request needs leaves the cache.</item>
/// <item>Its contents are whatever its last block left: zero-filling callers clear it themselves.</item>
/// <item>Checked mode never caches (a freed mapping is unmapped, so late accesses fault).</item>
/// </list>
/// </remarks>
internal static unsafe class MappingCache
{
    /// <summary>
    /// The most mappings kept: enough for the mapped blocks of a program that replaces many of them one at a time
    /// under a low mmap threshold. With CFA_MALLOC_MMAP_THRESHOLD=131072 the giveback benchmark (4 threads, 1 B to 3 MiB)
    /// mapped 5.0 GB of fresh pages in 4.3-4.5 s with 128 entries, and 2.6-2.8 GB in 2.1-2.6 s with 1024; at the default
    /// threshold both took 1.5-2.1 s. Take's best-fit scan of 1024 entries costs about a microsecond, where a fresh
    /// mapping of the threshold's size faults in 32 pages.
    /// </summary>
    internal const int MaxEntries = 1024;

    private static readonly AllocatorLock s_lock = new();

    /// <summary>The lock of the cache (held across fork by <see cref="ForkSafety"/>).</summary>
    internal static AllocatorLock CacheLock => s_lock;

    private static readonly nint[] s_address = new nint[MaxEntries];
    private static readonly nuint[] s_bytes = new nuint[MaxEntries];
    private static int s_count;
    private static nuint s_cachedBytes;
    private static long s_hits;
    private static long s_unmapCalls;
    private static long s_unmapBytes;

    /// <summary>Mappings reused from the cache, bytes cached now, and the mappings (and bytes) the cache gave back to the OS.</summary>
    internal static (long Hits, long CachedBytes, long UnmapCalls, long UnmapBytes) Counters
    {
        get
        {
            using (s_lock.Hold())
                return (s_hits, (long)s_cachedBytes, s_unmapCalls, s_unmapBytes);
        }
    }

    /// <summary>
    /// The least a cached range must keep past a request for <see cref="Take"/> to split it rather than hand it out
    /// whole: smaller remainders would fill the cache's entries with pieces no request fits.
    /// </summary>
    internal const nuint MinRemainder = 64 * 1024;

    /// <summary>
    /// Takes the smallest cached range of at least <paramref name="minBytes"/> (a multiple of the page), or returns null
    /// with <paramref name="bytes"/> 0. Where mappings can be split and the range is larger by <see cref="MinRemainder"/>
    /// or more, hands out its first <paramref name="minBytes"/> and keeps the rest cached; else the whole range, which
    /// a request takes only when it needs at least half of it (the realloc in-place rule, so reuse wastes at most half).
    /// </summary>
    /// <remarks>
    /// Why splitting (best fit, then split, as a heap takes a chunk off a free one): with whole ranges only, a request
    /// found no cached range between itself and twice itself about once in nine large mallocs of a mix of 512 KiB to 3
    /// MiB blocks, and each miss mapped fresh pages, which the kernel zeroes on first touch: 24 GB of them in 4 x 300,000
    /// operations, 60% of the run's time in the kernel (the giveback benchmark).
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void* Take(nuint minBytes, out nuint bytes)
    {
        bytes = 0;
        if (s_count == 0)
            return null;
        using (s_lock.Hold())
        {
            bool split = OsMemory.CanSplitMappings;
            int best = -1;
            for (int i = 0; i < s_count; i++)
            {
                nuint b = s_bytes[i];
                if (b >= minBytes && (split || b / 2 <= minBytes) && (best < 0 || b < s_bytes[best]))
                    best = i;
            }
            if (best < 0)
                return null;
            var mapping = (byte*)s_address[best];
            nuint whole = s_bytes[best];
            s_hits++;
            if (split && whole - minBytes >= MinRemainder)
            {
                // The rest stays where it is in the order of age, marked as a freed mapping's start is.
                s_address[best] = (nint)(mapping + minBytes);
                s_bytes[best] = whole - minBytes;
                s_cachedBytes -= minBytes;
                ((BlockHeader*)(mapping + minBytes))->Size = BlockHeader.FreedMark;
                bytes = minBytes;
                s_lentBytes += minBytes;
                return mapping;
            }
            // Whole: no split, so the loop took it only if the request needs at least half of it; or a split would
            // leave less than MinRemainder (the threshold, at least 64 KiB, makes that less than half too).
            bytes = whole;
            RemoveAt(best);
            s_lentBytes += whole;
            return mapping;
        }
    }

    /// <summary>
    /// Bytes of mappings that blocks hold now (large blocks, mapped or taken from the cache): what the cache's size
    /// follows (<see cref="Limit"/>). Changes under the lock.
    /// </summary>
    private static nuint s_lentBytes;

    /// <summary>
    /// The most bytes the cache holds: the larger of <see cref="Tunables.s_mappingCache"/> (M_MMAP_CACHE) and half the
    /// bytes that mapped blocks hold now, up to <see cref="Tunables.MaxMappingCache"/>. Under the lock.
    /// </summary>
    /// <remarks>
    /// Why it follows the blocks: a program that keeps many large blocks and replaces them one at a time frees and
    /// maps in turn, and a fixed 32 MiB held only the last few freed; the rest went back to the OS and each next
    /// request mapped fresh pages (the giveback benchmark mapped 24 GB in 4 x 300,000 operations, and 2.5 GB with the
    /// cache at 256 MiB). As the program frees its large blocks the limit falls with them, so what the cache keeps
    /// once everything is freed is the fixed part alone: the rest is unmapped as the frees arrive.
    /// </remarks>
    private static nuint Limit => Tunables.s_mappingCache == 0 ? 0 : Math.Min(Tunables.MaxMappingCache, Math.Max(Tunables.s_mappingCache, s_lentBytes / 2));

    /// <summary>Counts a fresh mapping a block now holds (the cache's own hand-outs count themselves).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Lent(nuint bytes)
    {
        using (s_lock.Hold())
            s_lentBytes += bytes;
    }

    /// <summary>Counts a block's mapping that mremap took from <paramref name="oldBytes"/> to <paramref name="newBytes"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Relent(nuint oldBytes, nuint newBytes)
    {
        using (s_lock.Hold())
            s_lentBytes = s_lentBytes - Math.Min(s_lentBytes, oldBytes) + newBytes;
    }

    /// <summary>
    /// Keeps a freed mapping (or a page-aligned range of one, a block's tail) for reuse, joined to the cached ranges
    /// right before and after it, giving the oldest back to the OS to make room. Returns false (the caller unmaps it)
    /// when the cache is off, in checked mode or the mapping is larger than half the cache. Either way the bytes no
    /// longer count as held by a block.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static bool TryKeep(void* mapping, nuint bytes)
    {
        using (s_lock.Hold())
        {
            s_lentBytes -= Math.Min(s_lentBytes, bytes);
            nuint limit = Limit;
            if (Policy.Checked || bytes > limit / 2)
            {
                TrimTo(limit);
                return false;
            }
            if (OsMemory.CanSplitMappings)
                JoinNeighbours(ref mapping, ref bytes, limit);
            while (s_count == MaxEntries || s_cachedBytes + bytes > limit)
            {
                UnmapOldest();
            }
            s_address[s_count] = (nint)mapping;
            s_bytes[s_count] = bytes;
            s_count++;
            s_cachedBytes += bytes;
            return true;
        }
    }

    /// <summary>
    /// Takes the cached ranges that end where <paramref name="mapping"/> starts or start where it ends out of the
    /// cache and widens <paramref name="mapping"/> over them, as long as the whole fits in half the cache. Under the lock.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void JoinNeighbours(ref void* mapping, ref nuint bytes, nuint limit)
    {
        for (int i = s_count - 1; i >= 0; i--)
        {
            var start = (byte*)s_address[i];
            nuint length = s_bytes[i];
            bool before = start + length == (byte*)mapping;
            bool after = (byte*)mapping + bytes == start;
            if ((before || after) && bytes + length <= limit / 2)
            {
                if (before)
                    mapping = start;
                bytes += length;
                RemoveAt(i);
            }
        }
    }

    /// <summary>Gives every cached mapping back to the OS; returns the bytes released.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static long Release()
    {
        using (s_lock.Hold())
        {
            long released = (long)s_cachedBytes;
            while (s_count > 0)
            {
                UnmapOldest();
            }
            return released;
        }
    }

    /// <summary>Sets the cache's fixed size; a smaller one gives the oldest mappings back at once.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void SetLimit(nuint limit)
    {
        using (s_lock.Hold())
        {
            Tunables.s_mappingCache = limit;
            TrimTo(Limit);
        }
    }

    /// <summary>Gives the oldest mappings back until the cache holds at most <paramref name="limit"/> bytes. Under the lock.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void TrimTo(nuint limit)
    {
        while (s_count > 0 && s_cachedBytes > limit)
        {
            UnmapOldest();
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void UnmapOldest()
    {
        OsMemory.Unmap((void*)s_address[0], s_bytes[0]);
        s_unmapCalls++;
        s_unmapBytes += (long)s_bytes[0];
        RemoveAt(0);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void RemoveAt(int index)
    {
        s_cachedBytes -= s_bytes[index];
        s_count--;
        Array.Copy(s_address, index + 1, s_address, index, s_count - index);
        Array.Copy(s_bytes, index + 1, s_bytes, index, s_count - index);
    }
}
