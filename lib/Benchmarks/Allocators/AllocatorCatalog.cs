namespace Workbench.Benchmarks.Allocators;

/// <summary>
/// Every allocator under test, by name: one entry each, with its colour and the struct adapter through which workloads
/// run on it (adding an allocator is adding its entry here).
/// </summary>
public static class AllocatorCatalog
{
    /// <summary>cfa-malloc's adapter, the same for its start-up variants (they differ in their trial process's environment).</summary>
    private static readonly AllocatorAdapter CfaAdapter = AllocatorAdapter.Of(() => new CfaAllocator());

    /// <summary>All allocators, hidden ones included, in the order results list them.</summary>
    public static IReadOnlyList<AllocatorInfo> All { get; } =
    [
        new("cfa", "cfa-malloc (this project), with ownership: remote frees go back to the owner heap", AllocatorKind.Cfa, "#0072B2", CfaAdapter)
        {
            Environment = new Dictionary<string, string> { ["CFA_MALLOC_OWNERSHIP"] = "1" },
            Preload = PreloadSpec.Cfa,
        },
        new("cfa-noown", "cfa-malloc without ownership: the freeing thread keeps the block (CFA_MALLOC_OWNERSHIP=0)", AllocatorKind.Cfa, "#56B4E9", CfaAdapter)
        {
            Environment = new Dictionary<string, string> { ["CFA_MALLOC_OWNERSHIP"] = "0" },
            Preload = PreloadSpec.Cfa,
        },
        new("cfa-nopf", "cfa-malloc without prefaulting: each page faults in on first touch, as for the peers (CFA_MALLOC_PREFAULT=0)", AllocatorKind.Cfa, "#393B79", CfaAdapter)
        {
            Environment = new Dictionary<string, string> { ["CFA_MALLOC_OWNERSHIP"] = "1", ["CFA_MALLOC_PREFAULT"] = "0" },
            Preload = PreloadSpec.Cfa,
        },
        new("cfa-aot", "cfa-malloc with ownership, in a trial process compiled ahead of time (NativeAOT) instead of JIT-compiled", AllocatorKind.Cfa, "#6A3D9A", CfaAdapter)
        {
            Environment = new Dictionary<string, string> { ["CFA_MALLOC_OWNERSHIP"] = "1" },
            Host = TrialHostSpec.AheadOfTime,
        },
        Native("glibc", "glibc malloc (libc.so.6)", "#D55E00", NativeLibrarySpec.Glibc, PreloadSpec.Glibc),
        Native("jemalloc", "jemalloc (libjemalloc.so.2)", "#009E73", NativeLibrarySpec.Jemalloc, PreloadSpec.Jemalloc) with
        {
            Environment = new Dictionary<string, string> { ["GLIBC_TUNABLES"] = "glibc.rtld.optional_static_tls=2048" },
        },
        Native("tcmalloc", "gperftools tcmalloc-minimal (tc_malloc/tc_free)", "#E69F00", NativeLibrarySpec.Tcmalloc, PreloadSpec.Tcmalloc),
        Native("mimalloc", "mimalloc 2 (mi_malloc/mi_free)", "#CC79A7", NativeLibrarySpec.Mimalloc, PreloadSpec.Mimalloc),
        Native("tbb", "oneTBB scalable allocator (scalable_malloc/scalable_free)", "#8C564B", NativeLibrarySpec.Tbb, PreloadSpec.Tbb),
        new("nativememory", ".NET NativeMemory.Alloc/Free (libc underneath)", AllocatorKind.DotNet, "#7F7F7F",
            AllocatorAdapter.Of(() => new NativeMemoryAllocator())),
        new("gc", ".NET garbage collector: new byte[n], free drops the reference", AllocatorKind.DotNet, "#9467BD",
            AllocatorAdapter.Of(() => new GcAllocator())),
        new("arraypool", ".NET ArrayPool<byte>.Shared: Rent/Return", AllocatorKind.DotNet, "#BCBD22",
            AllocatorAdapter.Of(() => new ArrayPoolAllocator())),
        new("bump", "floor: a bump pointer that never reuses memory (the harness's own cost)", AllocatorKind.Floor, "#000000",
            AllocatorAdapter.Of(() => new BumpAllocator(), BumpAllocator.ReleaseAll)) { NeverFrees = true },
        new("lifo", "floor: per-thread LIFO lists by size, free told the size; no header, statistics or ownership (a managed allocator's least)", AllocatorKind.Floor, "#525252",
            AllocatorAdapter.Of(() => new LifoAllocator(), LifoAllocator.ReleaseAll)),
        new("crash", "test double: kills its process on the first malloc", AllocatorKind.Test, "#AAAAAA",
            AllocatorAdapter.Of(() => new CrashAllocator())) { Hidden = true },
    ];

    /// <summary>The allocator with this name, or null.</summary>
    public static AllocatorInfo? Find(string name) => All.FirstOrDefault(a => string.Equals(a.Name, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>Whether the named allocator is cfa-malloc, in any of its variants (cfa, cfa-noown, cfa-nopf, cfa-aot).</summary>
    public static bool IsCfa(string name) => Find(name)?.Kind == AllocatorKind.Cfa;

    /// <summary>The names of the listed (not hidden) allocators, comma-separated.</summary>
    public static string Names => string.Join(",", All.Where(a => !a.Hidden).Select(a => a.Name));

    /// <summary>The listed allocators that can run on this machine.</summary>
    public static IReadOnlyList<AllocatorInfo> Available => [.. All.Where(a => !a.Hidden && a.Unavailable is null)];

    /// <summary>
    /// Gets the named allocator ready in this process before any workload code is compiled: for
    /// cfa-malloc, one malloc/free pair initialises its start-up policy, so that the JIT (trial
    /// processes run without tiering) compiles the workload's loop with the policy switches
    /// folded to constants, as a long-running program's tier-1 code has them. Native libraries
    /// are loaded here too, so that no trial times a dlopen.
    /// </summary>
    public static unsafe void Prepare(string name)
    {
        if (IsCfa(name))
        {
            // Compiled ahead of the measurement, like the native peers' code.
            Workbench.Allocator.CfaMalloc.Precompile();
        }
        else if (Find(name)?.Library is { } library)
        {
            NativeFunctions.Load(library);
        }
    }

    /// <summary>Statistics the allocator keeps about itself (cfa-malloc's), as named numbers; empty for others.</summary>
    public static IReadOnlyDictionary<string, double> SelfStatistics(string name)
    {
        if (IsCfa(name))
        {
            return CfaStatistics.Snapshot();
        }
        return new Dictionary<string, double>();
    }

    /// <summary>A native library's entry: its adapter calls the library's routines through function pointers.</summary>
    private static AllocatorInfo Native(string name, string description, string colour, NativeLibrarySpec library, PreloadSpec preload) =>
        new(name, description, AllocatorKind.Native, colour, AllocatorAdapter.Of(() => new NativeAllocator(NativeFunctions.Load(library))))
        {
            Library = library,
            Preload = preload,
        };
}
