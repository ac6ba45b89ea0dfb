namespace Workbench.Allocator;

/// <summary>The calling thread's heap: the one thread-static slot that every fast path reads.</summary>
/// <remarks>
/// Invariants:
/// <list type="bullet">
/// <item>Null until the thread's first call, then the heap the pool gave this thread (<see cref="HeapPool.Acquire"/>),
/// which no other thread owns while this thread lives.</item>
/// <item>This class holds nothing else and has no static constructor, and must stay so. The JIT then reads the slot
/// straight from the thread's own storage (one call to the TLS accessor and one load). A thread static in a class
/// with a static constructor (as <see cref="HeapPool"/> has) is reached through the runtime's table of thread-static
/// blocks instead: a length check and three more dependent loads on every Malloc and every Free
/// (<c>DOTNET_JitDisasm</c> of the churn loop shows both forms). The runtime has such direct slots for only the
/// first few classes whose thread statics a process uses (four to eight in a test program on .NET 10), so in a
/// process that used many before its first allocation the slot is reached through the table after all.</item>
/// </list>
/// </remarks>
internal static unsafe class CurrentHeap
{
    /// <summary>The calling thread's heap, or null before its first call.</summary>
    [ThreadStatic] internal static ThreadHeap* t_heap;
}
