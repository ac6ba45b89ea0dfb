using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Workbench.Allocator;

/// <summary>
/// Zeroing memory for calloc, cmemalign and zero-filled reallocs: short ranges inline, middle-sized ones with the
/// C library's memset called without a GC transition, long ones through <see cref="NativeMemory.Clear"/>.
/// </summary>
/// <remarks>
/// Why: <see cref="NativeMemory.Clear"/> zeroes short ranges inline but hands ranges from about 1 KiB to libc's
/// memset through an ordinary P/Invoke, whose GC transition costs more than zeroing 1 KiB; calloc of 512 B to 2 KiB
/// took 1.4 to 2.4 times tcmalloc's time (data/runs/issue6-speed-sizes). memset of up to 64 KiB runs for a few
/// microseconds at most, which is what <c>SuppressGCTransition</c> allows; longer ranges keep the transition so
/// that a long zeroing cannot hold up a garbage collection.
/// </remarks>
internal static unsafe class ZeroFill
{
    /// <summary>Ranges shorter than this are zeroed inline.</summary>
    private const nuint InlineLimit = 256;

    /// <summary>Ranges up to this are zeroed by memset without a GC transition.</summary>
    private const nuint NoTransitionLimit = 64 * 1024;

    /// <summary>libc's memset, or null where there is none (the portable fallback).</summary>
    private static readonly delegate* unmanaged[Cdecl, SuppressGCTransition]<void*, int, nuint, void*> s_memset = Find();

    private static delegate* unmanaged[Cdecl, SuppressGCTransition]<void*, int, nuint, void*> Find()
    {
        if (OperatingSystem.IsLinux() && NativeLibrary.TryLoad("libc.so.6", out nint libc) && NativeLibrary.TryGetExport(libc, "memset", out nint memset))
            return (delegate* unmanaged[Cdecl, SuppressGCTransition]<void*, int, nuint, void*>)memset;
        return null;
    }

    /// <summary>Writes zeros into <paramref name="length"/> bytes at <paramref name="p"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Clear(void* p, nuint length)
    {
        if (length < InlineLimit || length > NoTransitionLimit || s_memset == null)
            NativeMemory.Clear(p, length);
        else
            s_memset(p, 0, length);
    }
}
