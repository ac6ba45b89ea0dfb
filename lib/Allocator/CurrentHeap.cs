using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Workbench.Allocator;

/// <summary>The calling thread's heap: the one thread-local slot that every fast path reads.</summary>
/// <remarks>
/// Invariants:
/// <list type="bullet">
/// <item>Null until the thread's first call, then the heap the pool gave this thread (<see cref="HeapPool.Acquire"/>),
/// which no other thread owns while this thread lives.</item>
/// <item>In a .NET program the slot is a thread static. This class holds nothing else and has no static constructor,
/// and must stay so. The JIT then reads the slot straight from the thread's own storage (one call to the TLS accessor
/// and one load). A thread static in a class with a static constructor (as <see cref="HeapPool"/> has) is reached
/// through the runtime's table of thread-static blocks instead: a length check and three more dependent loads on
/// every Malloc and every Free (<c>DOTNET_JitDisasm</c> of the churn loop shows both forms). The runtime has such
/// direct slots for only the first few classes whose thread statics a process uses (four to eight in a test program
/// on .NET 10), so in a process that used many before its first allocation the slot is reached through the table
/// after all.</item>
/// <item>In the preloaded library (compiled with <c>PRELOAD</c>, lib/Preload) the slot is the native front's
/// (<c>front.c</c>), read by a direct call with no GC transition: NativeAOT keeps a thread's thread statics in a
/// managed object made at the thread's first access, so every thread of the program would allocate managed memory
/// (and touch a fresh 8 KiB allocation context) and the hosted runtime would collect.</item>
/// </list>
/// </remarks>
internal static unsafe partial class CurrentHeap
{
#if PRELOAD
    /// <summary>The calling thread's heap, or null before its first call.</summary>
    internal static ThreadHeap* Heap
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => (ThreadHeap*)cfa_front_heap();
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        set => cfa_front_set_heap(value);
    }

    [LibraryImport(NativeFront.Library), SuppressGCTransition]
    private static partial void* cfa_front_heap();

    [LibraryImport(NativeFront.Library), SuppressGCTransition]
    private static partial void cfa_front_set_heap(void* heap);
#else
    [ThreadStatic] private static ThreadHeap* t_heap;

    /// <summary>The calling thread's heap, or null before its first call.</summary>
    internal static ThreadHeap* Heap
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => t_heap;
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        set => t_heap = value;
    }
#endif
}
