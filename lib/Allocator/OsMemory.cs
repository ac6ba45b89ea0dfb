using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Workbench.Allocator;

/// <summary>
/// The bottom layer: address space and pages from the operating system.
/// On Linux x64 it calls mmap, munmap, mprotect and madvise through source-generated
/// P/Invoke. Elsewhere it falls back to <see cref="NativeMemory.AlignedAlloc"/>: a
/// "reservation" is then committed at once and decommit is a no-op, which keeps the
/// allocator correct but gives up its memory accounting.
/// </summary>
/// <remarks>
/// Invariants: every address returned is page-aligned; every length passed in is a whole
/// number of pages (callers round with <see cref="RoundUpToPage"/>). Nothing here allocates
/// managed memory, so the allocator can call it from any path.
/// </remarks>
internal static unsafe partial class OsMemory
{
    private const int PROT_NONE = 0;
    private const int PROT_READ = 1;
    private const int PROT_WRITE = 2;
    private const int MAP_PRIVATE = 0x02;
    private const int MAP_ANONYMOUS = 0x20;
    private const int MAP_NORESERVE = 0x4000;
    private const int MADV_DONTNEED = 4;
    private static readonly void* MAP_FAILED = (void*)-1;

    private const string Libc = "libc.so.6";

    /// <summary>Whether the mmap family is used (Linux with glibc) rather than the portable fallback.</summary>
    internal static readonly bool s_useMmap = OperatingSystem.IsLinux() && NativeLibrary.TryLoad(Libc, out _);

    /// <summary>
    /// Whether a mapping from <see cref="Map"/> may be given back in parts and neighbouring mappings together: with
    /// mmap, <c>munmap</c> takes any page-aligned range. The portable fallback's blocks must be freed whole.
    /// </summary>
    internal static bool CanSplitMappings => s_useMmap;

    /// <summary>The OS page size, read once.</summary>
    internal static readonly nuint s_pageSize = (nuint)Environment.SystemPageSize;

    [LibraryImport(Libc, EntryPoint = "mmap")]
    private static partial void* mmap(void* addr, nuint length, int prot, int flags, int fd, nint offset);

    [LibraryImport(Libc, EntryPoint = "munmap")]
    private static partial int munmap(void* addr, nuint length);

    [LibraryImport(Libc, EntryPoint = "mremap")]
    private static partial void* mremap(void* oldAddress, nuint oldLength, nuint newLength, int flags);

    private const int MREMAP_MAYMOVE = 1;

    [LibraryImport(Libc, EntryPoint = "mprotect")]
    private static partial int mprotect(void* addr, nuint length, int prot);

    [LibraryImport(Libc, EntryPoint = "madvise")]
    private static partial int madvise(void* addr, nuint length, int advice);

    /// <summary>Rounds <paramref name="size"/> up to whole pages; returns 0 on overflow.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static nuint RoundUpToPage(nuint size)
    {
        nuint rounded = (size + s_pageSize - 1) & ~(s_pageSize - 1);
        return rounded < size ? 0 : rounded;
    }

    /// <summary>
    /// Reserves <paramref name="length"/> bytes of address space with no access and no swap
    /// reservation. Returns null when the OS refuses.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void* Reserve(nuint length)
    {
        if (!s_useMmap)
            return FallbackAlloc(length);
        void* p = mmap(null, length, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
        return p == MAP_FAILED ? null : p;
    }

    /// <summary>Makes reserved pages readable and writable. Returns false when the OS refuses.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static bool Commit(void* address, nuint length)
    {
        if (!s_useMmap)
            return true;
        return mprotect(address, length, PROT_READ | PROT_WRITE) == 0;
    }

    /// <summary>Maps fresh zero-filled pages for one large block. Returns null when the OS refuses.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void* Map(nuint length)
    {
        if (!s_useMmap)
            return FallbackAlloc(length);
        void* p = mmap(null, length, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        return p == MAP_FAILED ? null : p;
    }

    /// <summary>
    /// Grows or shrinks a mapping made by <see cref="Map"/>, moving it if needed without
    /// copying (the kernel moves the page tables). Returns null when the OS refuses (the old
    /// mapping is then intact) or on platforms without mremap.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void* Remap(void* address, nuint oldLength, nuint newLength)
    {
        if (!s_useMmap)
            return null;
        void* p = mremap(address, oldLength, newLength, MREMAP_MAYMOVE);
        return p == MAP_FAILED ? null : p;
    }

    /// <summary>Returns a mapping made by <see cref="Map"/> to the OS.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Unmap(void* address, nuint length)
    {
        if (!s_useMmap)
        {
            NativeMemory.AlignedFree(address);
            return;
        }
        munmap(address, length);
    }

    /// <summary>madvise advice (Linux 5.14): fault in every page of the range for writing, in one call.</summary>
    private const int MADV_POPULATE_WRITE = 23;

    /// <summary>
    /// Makes every page of a committed range resident and writable now, in one system call, instead of one
    /// page fault per page when the range is first touched (see <see cref="ThreadHeap.Prefault"/>). Returns false when
    /// the OS cannot (a kernel before 5.14, memory exhausted, or a platform without madvise).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static bool Populate(void* address, nuint length)
    {
        if (!s_useMmap)
            return false;
        return madvise(address, length, MADV_POPULATE_WRITE) == 0;
    }

    /// <summary>
    /// Gives the physical pages behind a committed range back to the OS; the range stays
    /// mapped and reads as zeros when next touched.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static bool Decommit(void* address, nuint length)
    {
        if (!s_useMmap)
            return false;
        return madvise(address, length, MADV_DONTNEED) == 0;
    }

    /// <summary>
    /// Decommits the whole pages between <paramref name="from"/> and <paramref name="to"/> (the partial pages at either
    /// end stay, since other blocks may share them). Returns the bytes given back: 0 when no whole page lies between or
    /// the OS would not.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static nuint DecommitWholePages(void* from, void* to)
    {
        nuint start = RoundUpToPage((nuint)from);
        nuint end = (nuint)to & ~(s_pageSize - 1);
        return end > start && Decommit((void*)start, end - start) ? end - start : 0;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void* FallbackAlloc(nuint length)
    {
        try
        {
            void* p = NativeMemory.AlignedAlloc(length, s_pageSize);
            NativeMemory.Clear(p, length);
            return p;
        }
        catch (OutOfMemoryException)
        {
            return null;
        }
    }
}
