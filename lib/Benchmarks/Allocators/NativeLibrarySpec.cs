namespace Workbench.Benchmarks.Allocators;

/// <summary>How to find one native allocator: the shared library, its Debian package and the names of its routines.</summary>
/// <param name="LibraryFile">The file name given to <see cref="System.Runtime.InteropServices.NativeLibrary.Load(string)"/>.</param>
/// <param name="Package">The Debian package that provides the library.</param>
/// <param name="Malloc">The malloc symbol.</param>
/// <param name="Free">The free symbol.</param>
/// <param name="Calloc">The calloc symbol.</param>
/// <param name="Realloc">The realloc symbol.</param>
/// <param name="Aligned">The aligned-allocation symbol.</param>
/// <param name="AlignedSizeFirst">True when the aligned routine takes (size, alignment), false for (alignment, size).</param>
/// <param name="AlignedFree">The symbol that frees an aligned block.</param>
/// <param name="UsableSize">The usable-size query symbol.</param>
public sealed record NativeLibrarySpec(
    string LibraryFile,
    string Package,
    string Malloc,
    string Free,
    string Calloc,
    string Realloc,
    string Aligned,
    bool AlignedSizeFirst,
    string AlignedFree,
    string UsableSize)
{
    /// <summary>The library's call that gives its free memory back to the OS (<see cref="NativeRelease"/>).</summary>
    public NativeRelease Release { get; init; } = NativeRelease.None;

    /// <summary>glibc's malloc (libc.so.6).</summary>
    public static NativeLibrarySpec Glibc { get; } = new(
        "libc.so.6", "libc6", "malloc", "free", "calloc", "realloc", "aligned_alloc", false, "free", "malloc_usable_size")
    {
        Release = NativeRelease.MallocTrim,
    };

    /// <summary>jemalloc as Debian builds it (unprefixed symbols).</summary>
    public static NativeLibrarySpec Jemalloc { get; } = new(
        "libjemalloc.so.2", "libjemalloc2", "malloc", "free", "calloc", "realloc", "aligned_alloc", false, "free", "malloc_usable_size")
    {
        Release = NativeRelease.JemallocPurge,
    };

    /// <summary>gperftools' tcmalloc (minimal), through its tc_ entry points.</summary>
    public static NativeLibrarySpec Tcmalloc { get; } = new(
        "libtcmalloc_minimal.so.4", "libtcmalloc-minimal4", "tc_malloc", "tc_free", "tc_calloc", "tc_realloc", "tc_memalign", false, "tc_free", "tc_malloc_size")
    {
        Release = NativeRelease.TcmallocReleaseFreeMemory,
    };

    /// <summary>mimalloc, through its mi_ entry points.</summary>
    public static NativeLibrarySpec Mimalloc { get; } = new(
        "libmimalloc.so.2", "libmimalloc2.0", "mi_malloc", "mi_free", "mi_calloc", "mi_realloc", "mi_malloc_aligned", true, "mi_free", "mi_usable_size")
    {
        Release = NativeRelease.MimallocCollect,
    };

    /// <summary>oneTBB's scalable allocator (its plain malloc would resolve to glibc's).</summary>
    public static NativeLibrarySpec Tbb { get; } = new(
        "libtbbmalloc.so.2", "libtbbmalloc2", "scalable_malloc", "scalable_free", "scalable_calloc", "scalable_realloc", "scalable_aligned_malloc", true, "scalable_aligned_free", "scalable_msize")
    {
        Release = NativeRelease.TbbCleanAllBuffers,
    };
}
