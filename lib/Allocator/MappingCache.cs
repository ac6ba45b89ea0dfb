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
/// exceeds <see cref="Tunables.s_mappingCache"/>.</item>
/// <item>A mapping is reused only for a request that needs between half of it and all of it
/// (the realloc in-place rule), so reuse wastes at most half a mapping.</item>
/// <item>Its contents are whatever its last block left: zero-filling callers clear it themselves.</item>
/// <item>Checked mode never caches (a freed mapping is unmapped, so late accesses fault).</item>
/// </list>
/// </remarks>
internal static unsafe class MappingCache
{
    /// <summary>The most mappings kept.</summary>
    internal const int MaxEntries = 16;

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
    /// Takes a cached mapping of <paramref name="minBytes"/> to 2 x <paramref name="minBytes"/>
    /// bytes (the smallest such), or returns null with <paramref name="bytes"/> 0.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void* Take(nuint minBytes, out nuint bytes)
    {
        bytes = 0;
        if (s_count == 0)
            return null;
        using (s_lock.Hold())
        {
            int best = -1;
            for (int i = 0; i < s_count; i++)
            {
                nuint b = s_bytes[i];
                if (b >= minBytes && b / 2 <= minBytes && (best < 0 || b < s_bytes[best]))
                    best = i;
            }
            if (best < 0)
                return null;
            void* mapping = (void*)s_address[best];
            bytes = s_bytes[best];
            RemoveAt(best);
            s_hits++;
            return mapping;
        }
    }

    /// <summary>
    /// Keeps a freed mapping (or a page-aligned range of one) for reuse, joined to the cached ranges right before and
    /// after it, giving the oldest back to the OS to make room. Returns false (the caller unmaps it) when the cache is
    /// off, in checked mode or the mapping is larger than half the cache.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static bool TryKeep(void* mapping, nuint bytes)
    {
        if (Policy.Checked || bytes > Tunables.s_mappingCache / 2)
            return false;
        using (s_lock.Hold())
        {
            if (bytes > Tunables.s_mappingCache / 2)
                return false;
            if (OsMemory.CanSplitMappings)
                JoinNeighbours(ref mapping, ref bytes);
            while (s_count == MaxEntries || s_cachedBytes + bytes > Tunables.s_mappingCache)
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
    private static void JoinNeighbours(ref void* mapping, ref nuint bytes)
    {
        for (int i = s_count - 1; i >= 0; i--)
        {
            var start = (byte*)s_address[i];
            nuint length = s_bytes[i];
            bool before = start + length == (byte*)mapping;
            bool after = (byte*)mapping + bytes == start;
            if ((before || after) && bytes + length <= Tunables.s_mappingCache / 2)
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

    /// <summary>Sets the cache's size; a smaller one gives the oldest mappings back at once.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void SetLimit(nuint limit)
    {
        using (s_lock.Hold())
        {
            Tunables.s_mappingCache = limit;
            while (s_count > 0 && s_cachedBytes > limit)
            {
                UnmapOldest();
            }
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
