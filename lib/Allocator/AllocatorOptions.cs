using System.Globalization;

namespace Workbench.Allocator;

/// <summary>
/// Start-up options of cfa-malloc. They are read once, at the first allocation of the
/// process: from <see cref="CfaMalloc.Configure"/> if it was called before, else from the
/// environment (see <see cref="FromEnvironment"/>).
/// </summary>
public sealed class AllocatorOptions
{
    private static readonly AllocatorLock s_lock = new();
    private static AllocatorOptions? s_pending;
    private static AllocatorOptions? s_effective;

    /// <summary>
    /// With ownership (the default) a block freed by another thread goes back to its owner's
    /// heap through a remote list; without it the freeing thread keeps the block.
    /// Environment: <c>CFA_MALLOC_OWNERSHIP=0</c> turns it off.
    /// </summary>
    public bool Ownership { get; set; } = true;

    /// <summary>
    /// Whether the fast paths of malloc, free, calloc, memalign and realloc count their calls in the statistics (the
    /// default, the thesis's contention-free statistics). Off, as llheap's libraries built without statistics, only
    /// the general paths count, and the statistics say so: the counting is four read-modify-writes per malloc-free
    /// pair, 15-35% of the fast paths' time (docs/results.md, "Performance round two"). Environment:
    /// <c>CFA_MALLOC_COUNT_FAST_PATHS=0</c> turns it off. JIT-compiled processes only: code compiled ahead of time (the
    /// preloaded library, cfa-aot) always counts, since testing the switch there cost 3-8% with counting on.
    /// </summary>
    public bool CountFastPaths { get; set; } = true;

    /// <summary>The debugging mode (environment: <c>CFA_MALLOC_CHECKED=1</c>).</summary>
    public bool Checked { get; set; }

    /// <summary>
    /// Requests of at least this many bytes get their own mapping (environment:
    /// <c>CFA_MALLOC_MMAP_THRESHOLD</c>; 64 KiB to 4 MiB; default 512 KiB as in the thesis).
    /// </summary>
    public nuint MmapThreshold { get; set; } = 512 * 1024;

    /// <summary>
    /// Bytes by which the shared area is committed at a time (environment:
    /// <c>CFA_MALLOC_EXTENSION</c>; default 10 MiB, the thesis's heap expansion).
    /// </summary>
    public nuint Extension { get; set; } = 10 * 1024 * 1024;

    /// <summary>
    /// Bytes of freed large-block mappings kept, resident, for reuse instead of being unmapped at
    /// once (environment: <c>CFA_MALLOC_MAPPING_CACHE</c>; 0 to 1 GiB, 0 turns the cache off;
    /// default 32 MiB). Checked mode never caches.
    /// </summary>
    public nuint MappingCache { get; set; } = 32 * 1024 * 1024;

    /// <summary>
    /// Bytes of a heap's bump area made resident ahead of use, in one system call, instead of one page fault
    /// per page on first touch (environment: <c>CFA_MALLOC_PREFAULT</c>; 0 to 2 MiB, 0 turns it off; default
    /// 64 KiB). Each heap holds at most this many resident bytes that no block uses yet. With it on, a new
    /// mapping for a large block of up to 4 MiB is made resident whole too, unless the block zero-fills.
    /// </summary>
    public nuint Prefault { get; set; } = 64 * 1024;

    /// <summary>
    /// Bytes a program knows it leaves allocated at exit, which checked mode's report of unfreed storage subtracts
    /// (environment: <c>CFA_MALLOC_UNFREED</c>; default 0; see <see cref="CfaMalloc.MallocUnfreed"/>).
    /// </summary>
    public nuint Unfreed { get; set; }

    /// <summary>Options from the <c>CFA_MALLOC_*</c> environment variables, defaults elsewhere.</summary>
    public static AllocatorOptions FromEnvironment()
    {
        var options = new AllocatorOptions();
        if (Environment.GetEnvironmentVariable("CFA_MALLOC_OWNERSHIP") is { } own)
            options.Ownership = own.Trim() is not ("0" or "false" or "off" or "no");
        if (Environment.GetEnvironmentVariable("CFA_MALLOC_COUNT_FAST_PATHS") is { } count)
            options.CountFastPaths = count.Trim() is not ("0" or "false" or "off" or "no");
        if (Environment.GetEnvironmentVariable("CFA_MALLOC_CHECKED") is { } chk)
            options.Checked = chk.Trim() is "1" or "true" or "on" or "yes";
        if (ReadSize("CFA_MALLOC_MMAP_THRESHOLD") is { } threshold)
            options.MmapThreshold = threshold;
        if (ReadSize("CFA_MALLOC_EXTENSION") is { } extension)
            options.Extension = extension;
        if (ReadSize("CFA_MALLOC_MAPPING_CACHE") is { } cache)
            options.MappingCache = cache;
        if (ReadSize("CFA_MALLOC_PREFAULT") is { } prefault)
            options.Prefault = prefault;
        if (ReadSize("CFA_MALLOC_UNFREED") is { } unfreed)
            options.Unfreed = unfreed;
        return options;
    }

    private static nuint? ReadSize(string name)
    {
        string? text = Environment.GetEnvironmentVariable(name);
        return ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out ulong value) ? (nuint)value : null;
    }

    /// <summary>The options in force: fixed by the first call that asks for them.</summary>
    internal static AllocatorOptions Effective
    {
        get
        {
            if (s_effective is { } effective)
                return effective;
            using (s_lock.Hold())
            {
                s_effective ??= s_pending ?? Clamp(FromEnvironment());
                return s_effective;
            }
        }
    }

    /// <summary>Sets the options for this process; only before the allocator has started.</summary>
    internal static void Configure(AllocatorOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        using (s_lock.Hold())
        {
            if (s_effective != null)
                throw new InvalidOperationException("cfa-malloc has already started in this process: call CfaMalloc.Configure before the first allocation, or set CFA_MALLOC_* variables before the process starts.");
            s_pending = Validate(options);
        }
    }

    /// <summary>Environment values out of range are brought into range rather than failing the first allocation.</summary>
    private static AllocatorOptions Clamp(AllocatorOptions options)
    {
        options.MmapThreshold = Math.Clamp(options.MmapThreshold, Tunables.MinMmapThreshold, Tunables.MaxMmapThreshold);
        options.Extension = Math.Clamp(options.Extension, 1, Tunables.MaxExtension);
        options.MappingCache = Math.Min(options.MappingCache, Tunables.MaxMappingCache);
        options.Prefault = Math.Min(options.Prefault, Tunables.MaxPrefault);
        return options;
    }

    private static AllocatorOptions Validate(AllocatorOptions options)
    {
        if (!Tunables.IsValidMmapThreshold(options.MmapThreshold))
            throw new ArgumentOutOfRangeException(nameof(options), $"MmapThreshold must be between {Tunables.MinMmapThreshold} and {Tunables.MaxMmapThreshold} bytes.");
        if (!Tunables.IsValidExtension(options.Extension))
            throw new ArgumentOutOfRangeException(nameof(options), $"Extension must be between 1 and {Tunables.MaxExtension} bytes.");
        if (!Tunables.IsValidMappingCache(options.MappingCache))
            throw new ArgumentOutOfRangeException(nameof(options), $"MappingCache must be between 0 and {Tunables.MaxMappingCache} bytes.");
        if (!Tunables.IsValidPrefault(options.Prefault))
            throw new ArgumentOutOfRangeException(nameof(options), $"Prefault must be between 0 and {Tunables.MaxPrefault} bytes.");
        return new AllocatorOptions { Ownership = options.Ownership, CountFastPaths = options.CountFastPaths, Checked = options.Checked, MmapThreshold = options.MmapThreshold, Extension = options.Extension, MappingCache = options.MappingCache, Prefault = options.Prefault, Unfreed = options.Unfreed };
    }
}
