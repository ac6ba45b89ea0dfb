using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Workbench.Allocator;

/// <summary>
/// Zeroing and copying block contents (calloc, zero-filled and moving reallocs): short ranges inline, middle-sized
/// ones with the C library's memset and memcpy called without a GC transition, long ones through the runtime.
/// </summary>
/// <remarks>
/// Why: <see cref="NativeMemory.Clear"/> and <c>Buffer.MemoryCopy</c> handle short ranges inline but hand
/// ranges from about 1 to 2 KiB on to libc through an ordinary P/Invoke, whose GC transition costs more than the
/// work itself; calloc of 512 B to 2 KiB took 1.4 to 2.4 times tcmalloc's time (data/runs/issue6-speed-sizes).
/// memset and memcpy of up to 64 KiB run for a few microseconds at most, which is what <c>SuppressGCTransition</c>
/// allows; longer ranges keep the transition so that they cannot hold up a garbage collection.
/// </remarks>
internal static unsafe class BulkMemory
{
    /// <summary>Ranges shorter than this are handled inline.</summary>
    private const nuint InlineLimit = 256;

    /// <summary>Ranges up to this go to libc without a GC transition.</summary>
    private const nuint NoTransitionLimit = 64 * 1024;

    /// <summary>libc's memset, or null where there is none (the portable fallback).</summary>
    private static readonly delegate* unmanaged[Cdecl, SuppressGCTransition]<void*, int, nuint, void*> s_memset =
        (delegate* unmanaged[Cdecl, SuppressGCTransition]<void*, int, nuint, void*>)Find("memset");

    /// <summary>libc's memcpy, or null where there is none.</summary>
    private static readonly delegate* unmanaged[Cdecl, SuppressGCTransition]<void*, void*, nuint, void*> s_memcpy =
        (delegate* unmanaged[Cdecl, SuppressGCTransition]<void*, void*, nuint, void*>)Find("memcpy");

    private static nint Find(string name)
    {
        if (OperatingSystem.IsLinux() && NativeLibrary.TryLoad("libc.so.6", out nint libc) && NativeLibrary.TryGetExport(libc, name, out nint address))
            return address;
        return 0;
    }

    /// <summary>Writes zeros into <paramref name="length"/> bytes at <paramref name="p"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Clear(void* p, nuint length)
    {
        if (length < InlineLimit || length > NoTransitionLimit || s_memset == null)
        {
            NativeMemory.Clear(p, length);
            return;
        }
        // A block's data starts 16 bytes into the block, so it is rarely on a cache line: zero the first 64 bytes
        // inline and give memset the rest from the next line on, where its stores are aligned.
        // Two 32-byte stores, written as struct assignments so that no helper method is called (and compiled).
        ((System.Runtime.Intrinsics.Vector256<byte>*)p)[0] = default;
        ((System.Runtime.Intrinsics.Vector256<byte>*)p)[1] = default;
        nuint head = (64 - ((nuint)p & 63)) & 63;
        s_memset((byte*)p + head, 0, length - head);
    }

    /// <summary>Copies <paramref name="length"/> bytes from <paramref name="source"/> to <paramref name="destination"/> (distinct blocks: no overlap).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Copy(void* source, void* destination, nuint length)
    {
        if (length < InlineLimit || length > NoTransitionLimit || s_memcpy == null)
            Buffer.MemoryCopy(source, destination, length, length);
        else
            s_memcpy(destination, source, length);
    }
}
