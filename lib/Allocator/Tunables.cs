using System.Runtime.CompilerServices;

namespace Workbench.Allocator;

/// <summary>
/// The settings a program may change while it runs (<see cref="CfaMalloc.Mallopt"/>), in one place: each one's bounds,
/// its current value, which the paths read, and the rule that checks a new value. The start-up options
/// (<see cref="AllocatorOptions"/>) give the first values, held to the same bounds.
/// </summary>
/// <remarks>
/// Invariants:
/// <code>
///   MinMmapThreshold &lt;= s_mmapThreshold &lt;= MaxMmapThreshold
///   s_fastLimit = min(SizeClasses.LookupLimit, s_mmapThreshold - 1)   (between two stores of SetMmapThreshold: at most that)
///   1 &lt;= s_extension &lt;= MaxExtension
///   s_mappingCache &lt;= MaxMappingCache           (written only by MappingCache.SetLimit, under the cache's lock)
///   s_prefault &lt;= MaxPrefault                   (and 0 for good once the OS refuses to populate: ThreadHeap.Populate)
/// </code>
/// A value changes with a plain store: a call already running may use the old value or the new one, as in glibc.
/// </remarks>
internal static class Tunables
{
    /// <summary>The bump area a heap takes from the shared area at a time (llheap's 2 MiB).</summary>
    internal const nuint BumpChunk = 2 * 1024 * 1024;

    /// <summary>The smallest mmap threshold (64 KiB).</summary>
    internal const nuint MinMmapThreshold = 64 * 1024;

    /// <summary>The largest mmap threshold: the largest bucket.</summary>
    internal const nuint MaxMmapThreshold = SizeClasses.MaxPayload;

    /// <summary>The largest extension step of the shared area (1 GiB).</summary>
    internal const nuint MaxExtension = 1024 * 1024 * 1024;

    /// <summary>The largest mapping cache (1 GiB).</summary>
    internal const nuint MaxMappingCache = 1024 * 1024 * 1024;

    /// <summary>The most bytes a heap prefaults ahead: one bump chunk, since prefaulting stays inside the bump area.</summary>
    internal const nuint MaxPrefault = BumpChunk;

    /// <summary>Requests of at least this many bytes are mmap'd (M_MMAP_THRESHOLD).</summary>
    internal static nuint s_mmapThreshold = AllocatorOptions.Effective.MmapThreshold;

    /// <summary>
    /// The largest request the inlined fast paths serve: the end of the size-class table (128 KiB), or just below
    /// the mmap threshold when that is lower. A fast path tests <c>size - 1 &lt; s_fastLimit</c>, so size 0 (which
    /// wraps) takes the general path.
    /// </summary>
    internal static nuint s_fastLimit = FastLimitFor(s_mmapThreshold);

    /// <summary>Bytes by which the shared area is committed at a time (M_TOP_PAD).</summary>
    internal static nuint s_extension = AllocatorOptions.Effective.Extension;

    /// <summary>The most bytes of mappings the mapping cache keeps (M_MMAP_CACHE; 0 turns the cache off).</summary>
    internal static nuint s_mappingCache = AllocatorOptions.Effective.MappingCache;

    /// <summary>
    /// Bytes of the bump area made resident ahead of carving, in one system call, when carving passes the
    /// prefaulted end (M_PREFAULT; 0: off). See <see cref="ThreadHeap.Prefault"/>.
    /// </summary>
    internal static nuint s_prefault = AllocatorOptions.Effective.Prefault;

    /// <summary>The bytes checked mode's unfreed report subtracts (<see cref="CfaMalloc.MallocUnfreed"/>; any value).</summary>
    internal static nuint s_unfreedAllowance = AllocatorOptions.Effective.Unfreed;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static bool IsValidMmapThreshold(nuint value) => value >= MinMmapThreshold && value <= MaxMmapThreshold;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static bool IsValidExtension(nuint value) => value >= 1 && value <= MaxExtension;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static bool IsValidMappingCache(nuint value) => value <= MaxMappingCache;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static bool IsValidPrefault(nuint value) => value <= MaxPrefault;

    /// <summary>The fast paths' limit under mmap threshold <paramref name="threshold"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static nuint FastLimitFor(nuint threshold) => Math.Min(SizeClasses.LookupLimit, threshold - 1);

    /// <summary>Sets the mmap threshold and, with it, the fast paths' limit (calls already running may use either).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void SetMmapThreshold(nuint threshold)
    {
        // Lower the fast limit before the threshold and raise it after, so that no fast path serves a size the
        // threshold sends to a mapping.
        nuint limit = FastLimitFor(threshold);
        if (limit < s_fastLimit)
        {
            s_fastLimit = limit;
            FastPathValues.SetFastLimit(limit);
        }
        s_mmapThreshold = threshold;
        s_fastLimit = limit;
        FastPathValues.SetFastLimit(limit);
    }
}
