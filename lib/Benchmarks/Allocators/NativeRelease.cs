namespace Workbench.Benchmarks.Allocators;

/// <summary>
/// A native allocator's call that gives its free memory back to the OS, each the one its documentation names for a
/// program about to go idle.
/// </summary>
public enum NativeRelease
{
    /// <summary>No such call.</summary>
    None,

    /// <summary>glibc: <c>malloc_trim(0)</c>, every arena's free pages, not only the top of the main heap (glibc 2.8+).</summary>
    MallocTrim,

    /// <summary>jemalloc: <c>mallctl("arena.4096.purge")</c>, 4096 being <c>MALLCTL_ARENAS_ALL</c>: every arena's dirty pages.</summary>
    JemallocPurge,

    /// <summary>gperftools: <c>MallocExtension_ReleaseFreeMemory()</c>, the page heap's free spans.</summary>
    TcmallocReleaseFreeMemory,

    /// <summary>mimalloc: <c>mi_collect(true)</c>, forced: the calling thread's and the abandoned segments' free pages.</summary>
    MimallocCollect,

    /// <summary>oneTBB: <c>scalable_allocation_command(TBBMALLOC_CLEAN_ALL_BUFFERS, NULL)</c>, its caches and free memory.</summary>
    TbbCleanAllBuffers,
}
