namespace Workbench.Allocator;

/// <summary>
/// The allocator across <c>fork</c> in a multi-threaded process: every lock of the allocator is held while the
/// process forks, so that the child, whose only thread is the one that forked, finds each lock free and the
/// structures it guards whole. The native host (the preloaded library) calls these from its
/// <c>pthread_atfork</c> handlers; a .NET program cannot fork while running managed code.
/// </summary>
/// <remarks>
/// Invariants: the locks are taken in the order the allocator nests them (checked mode, then the heap pool, then the
/// mapping cache and the shared area), and given back in the reverse order, by the same thread, in the parent and in
/// the child alike. The heaps of the parent's other threads stay owned in the child: a thread may have been in the
/// middle of a fast path (no lock) when the process forked, so its free lists cannot be trusted; their memory is
/// never touched again in the child, and costs it no resident page.
/// </remarks>
internal static class ForkSafety
{
    /// <summary>Before fork: takes every lock.</summary>
    internal static void Prepare()
    {
        if (Policy.Checked)
            CheckedMode.CheckLock.Enter();
        HeapPool.HeapLock.Enter();
        MappingCache.CacheLock.Enter();
        SharedArea.Lock.Enter();
    }

    /// <summary>After fork, in the parent or the child: gives every lock back.</summary>
    internal static void Resume()
    {
        SharedArea.Lock.Exit();
        MappingCache.CacheLock.Exit();
        HeapPool.HeapLock.Exit();
        if (Policy.Checked)
            CheckedMode.CheckLock.Exit();
    }
}
