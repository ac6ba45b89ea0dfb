using Workbench.Benchmarks.Workloads;

namespace Workbench.Benchmarks.Allocators;

/// <summary>Every allocator under test, by name, and the one place that turns a name into a typed adapter.</summary>
public static class AllocatorCatalog
{
    private static readonly IReadOnlyDictionary<string, string> NoEnvironment = new Dictionary<string, string>();

    /// <summary>All allocators, hidden ones included, in the order results list them.</summary>
    public static IReadOnlyList<AllocatorInfo> All { get; } =
    [
        new("cfa", "cfa-malloc (this project), with ownership: remote frees go back to the owner heap", AllocatorKind.Cfa, null,
            new Dictionary<string, string> { ["CFA_MALLOC_OWNERSHIP"] = "1" }, PreloadSpec.Cfa),
        new("cfa-noown", "cfa-malloc without ownership: the freeing thread keeps the block (CFA_MALLOC_OWNERSHIP=0)", AllocatorKind.Cfa, null,
            new Dictionary<string, string> { ["CFA_MALLOC_OWNERSHIP"] = "0" }, PreloadSpec.Cfa),
        new("cfa-nopf", "cfa-malloc without prefaulting: each page faults in on first touch, as for the peers (CFA_MALLOC_PREFAULT=0)", AllocatorKind.Cfa, null,
            new Dictionary<string, string> { ["CFA_MALLOC_OWNERSHIP"] = "1", ["CFA_MALLOC_PREFAULT"] = "0" }, PreloadSpec.Cfa),
        new("glibc", "glibc malloc (libc.so.6)", AllocatorKind.Native, NativeLibrarySpec.Glibc, NoEnvironment, PreloadSpec.Glibc),
        new("jemalloc", "jemalloc (libjemalloc.so.2)", AllocatorKind.Native, NativeLibrarySpec.Jemalloc,
            new Dictionary<string, string> { ["GLIBC_TUNABLES"] = "glibc.rtld.optional_static_tls=2048" }, PreloadSpec.Jemalloc),
        new("tcmalloc", "gperftools tcmalloc-minimal (tc_malloc/tc_free)", AllocatorKind.Native, NativeLibrarySpec.Tcmalloc, NoEnvironment, PreloadSpec.Tcmalloc),
        new("mimalloc", "mimalloc 2 (mi_malloc/mi_free)", AllocatorKind.Native, NativeLibrarySpec.Mimalloc, NoEnvironment, PreloadSpec.Mimalloc),
        new("tbb", "oneTBB scalable allocator (scalable_malloc/scalable_free)", AllocatorKind.Native, NativeLibrarySpec.Tbb, NoEnvironment, PreloadSpec.Tbb),
        new("nativememory", ".NET NativeMemory.Alloc/Free (libc underneath)", AllocatorKind.DotNet, null, NoEnvironment),
        new("gc", ".NET garbage collector: new byte[n], free drops the reference", AllocatorKind.DotNet, null, NoEnvironment),
        new("arraypool", ".NET ArrayPool<byte>.Shared: Rent/Return", AllocatorKind.DotNet, null, NoEnvironment),
        new("bump", "floor: a bump pointer that never reuses memory (the harness's own cost)", AllocatorKind.Floor, null, NoEnvironment),
        new("lifo", "floor: per-thread LIFO lists by size, free told the size; no header, statistics or ownership (a managed allocator's least)", AllocatorKind.Floor, null, NoEnvironment),
        new("crash", "test double: kills its process on the first malloc", AllocatorKind.Test, null, NoEnvironment, Hidden: true),
    ];

    /// <summary>The allocator with this name, or null.</summary>
    public static AllocatorInfo? Find(string name) => All.FirstOrDefault(a => string.Equals(a.Name, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>Whether the named allocator is cfa-malloc, in any of its start-up variants (cfa, cfa-noown, cfa-nopf).</summary>
    public static bool IsCfa(string name) => Find(name)?.Kind == AllocatorKind.Cfa;

    /// <summary>The names of the listed (not hidden) allocators, comma-separated.</summary>
    public static string Names => string.Join(",", All.Where(a => !a.Hidden).Select(a => a.Name));

    /// <summary>The listed allocators that can run on this machine.</summary>
    public static IReadOnlyList<AllocatorInfo> Available => [.. All.Where(a => !a.Hidden && a.Unavailable is null)];

    /// <summary>The routines the named allocator offers (without loading it).</summary>
    public static AllocatorFeatures FeaturesOf(string name) => name switch
    {
        "gc" => default(GcAllocator).Features,
        "arraypool" => default(ArrayPoolAllocator).Features,
        "crash" => AllocatorFeatures.All,
        _ => AllocatorFeatures.All,
    };

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

    /// <summary>
    /// Runs <paramref name="workload"/> on the named allocator: the one switch from a name to a struct type,
    /// after which every call in the loop is direct.
    /// </summary>
    /// <exception cref="ArgumentException">The name is unknown.</exception>
    public static WorkloadResult Run(string name, Workload workload, WorkloadContext context)
    {
        ArgumentNullException.ThrowIfNull(workload);
        if (workload.RunsOutside)
        {
            return workload.RunOutside(Find(name) ?? throw new ArgumentException($"unknown allocator '{name}': use one of {Names}"), context);
        }
        return name switch
        {
            _ when IsCfa(name) => workload.Run(new CfaAllocator(), context),
            "glibc" => workload.Run(new NativeAllocator(NativeFunctions.Load(NativeLibrarySpec.Glibc)), context),
            "jemalloc" => workload.Run(new NativeAllocator(NativeFunctions.Load(NativeLibrarySpec.Jemalloc)), context),
            "tcmalloc" => workload.Run(new NativeAllocator(NativeFunctions.Load(NativeLibrarySpec.Tcmalloc)), context),
            "mimalloc" => workload.Run(new NativeAllocator(NativeFunctions.Load(NativeLibrarySpec.Mimalloc)), context),
            "tbb" => workload.Run(new NativeAllocator(NativeFunctions.Load(NativeLibrarySpec.Tbb)), context),
            "nativememory" => workload.Run(new NativeMemoryAllocator(), context),
            "gc" => workload.Run(new GcAllocator(), context),
            "arraypool" => workload.Run(new ArrayPoolAllocator(), context),
            "bump" => RunBump(workload, context),
            "lifo" => RunLifo(workload, context),
            "crash" => workload.Run(new CrashAllocator(), context),
            _ => throw new ArgumentException($"unknown allocator '{name}': use one of {Names}"),
        };
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

    private static WorkloadResult RunLifo(Workload workload, WorkloadContext context)
    {
        try
        {
            return workload.Run(new LifoAllocator(), context);
        }
        finally
        {
            LifoAllocator.ReleaseAll();
        }
    }

    private static WorkloadResult RunBump(Workload workload, WorkloadContext context)
    {
        try
        {
            return workload.Run(new BumpAllocator(), context);
        }
        finally
        {
            BumpAllocator.ReleaseAll();
        }
    }
}
