using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Workbench.Allocator;

/// <summary>
/// The errno codes the allocator sets and the calling thread's last one: every layer that fails records its code here
/// and returns null (<see cref="Fail"/>); <see cref="CfaMalloc.LastError"/> reads it.
/// </summary>
/// <remarks>
/// In a .NET program the code is a thread static of this class, which has no static constructor (the remarks of
/// CurrentHeap say why that matters). In the preloaded library (compiled with <c>PRELOAD</c>) it is a slot
/// of the native front's, which hands it to the C caller as errno.
/// </remarks>
internal static unsafe partial class Errno
{
    /// <summary>Out of memory, or a size or <c>count * size</c> that cannot be allocated.</summary>
    internal const int ENOMEM = 12;

    /// <summary>An invalid argument (an alignment that is not a power of two).</summary>
    internal const int EINVAL = 22;

#if PRELOAD
    /// <summary>The calling thread's last code (0 if no call has failed).</summary>
    internal static int Last
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => cfa_front_error();
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        set => cfa_front_set_error(value);
    }

    [LibraryImport(NativeFront.Library), SuppressGCTransition]
    private static partial int cfa_front_error();

    [LibraryImport(NativeFront.Library), SuppressGCTransition]
    private static partial void cfa_front_set_error(int error);
#else
    [ThreadStatic] private static int t_last;

    /// <summary>The calling thread's last code (0 if no call has failed; successes do not clear it).</summary>
    internal static int Last
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => t_last;
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        set => t_last = value;
    }
#endif

    /// <summary>Records <paramref name="code"/> for the calling thread and returns null.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    internal static void* Fail(int code)
    {
        Last = code;
        return null;
    }
}
