namespace Workbench.Benchmarks.Allocators;

/// <summary>
/// How an unmodified C program runs on an allocator (the mimalloc-bench method): the shared library that
/// <c>LD_PRELOAD</c> names, or none for glibc's own malloc.
/// </summary>
/// <param name="Library">The library: a file name the dynamic linker finds in the system's folders, or a path
/// relative to the repository root; null for glibc (no preload).</param>
/// <param name="Source">Where the library comes from: its Debian package, or the script that builds it.</param>
public sealed record PreloadSpec(string? Library, string Source)
{
    /// <summary>The folder of the libraries Debian installs (where the dynamic linker finds <see cref="Library"/>).</summary>
    public const string SystemFolder = "/usr/lib/x86_64-linux-gnu";

    /// <summary>glibc: the program's own malloc, nothing preloaded.</summary>
    public static PreloadSpec Glibc { get; } = new(null, "libc6");

    /// <summary>cfa-malloc's preloadable library, built from lib/Allocator by NativeAOT.</summary>
    public static PreloadSpec Cfa { get; } = new("artifacts/preload/libcfamalloc.so", "scripts/build-preload.sh (needs gcc)");

    /// <summary>jemalloc, as Debian builds it.</summary>
    public static PreloadSpec Jemalloc { get; } = new("libjemalloc.so.2", "Debian package libjemalloc2");

    /// <summary>gperftools' tcmalloc (minimal).</summary>
    public static PreloadSpec Tcmalloc { get; } = new("libtcmalloc_minimal.so.4", "Debian package libtcmalloc-minimal4");

    /// <summary>mimalloc 2.</summary>
    public static PreloadSpec Mimalloc { get; } = new("libmimalloc.so.2", "Debian package libmimalloc2.0");

    /// <summary>oneTBB's malloc replacement, which routes malloc and free to the scalable allocator.</summary>
    public static PreloadSpec Tbb { get; } = new("libtbbmalloc_proxy.so.2", "Debian package libtbbmalloc2");

    /// <summary>
    /// The value for <c>LD_PRELOAD</c> (an absolute path), "" for glibc, or null when the library is not on this
    /// machine.
    /// </summary>
    public string? Resolve()
    {
        if (Library is null)
        {
            return "";
        }
        if (Library.Contains('/', StringComparison.Ordinal))
        {
            return RepositoryPaths.FindFile(Library);
        }
        string system = Path.Combine(SystemFolder, Library);
        return File.Exists(system) ? system : null;
    }
}
