using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace Workbench.Allocator;

/// <summary>
/// A lock of the allocator's shared structures (the heap pool, the shared area, the mapping cache, checked mode): a
/// test-and-test-and-set spin lock, held for a few hundred instructions at most, as llheap guards the same structures
/// with spin locks. A waiter spins with a growing pause, then yields its CPU between tries.
/// </summary>
/// <remarks>
/// Invariant: <see cref="_held"/> is 1 while a thread holds the lock, else 0; only the holder sets it back to 0.
/// Not reentrant. Why not <see cref="Lock"/> or <see cref="SpinLock"/>: in NativeAOT (the preloaded library), where
/// every thread of the program comes through here, both made managed objects for a waiting thread. Lock records
/// its owner's managed thread id, which NativeAOT makes with managed objects at a thread's first request; SpinLock's
/// waiter sleeps through <see cref="Thread.Sleep(int)"/>, which makes the thread's <see cref="Thread"/> object. A
/// program that starts thousands of threads then made the hosted runtime collect. This lock uses only
/// <see cref="Thread.SpinWait"/> and <see cref="Thread.Yield"/>, which need nothing of the thread.
/// </remarks>
internal sealed class AllocatorLock
{
    private int _held;

    /// <summary>Takes the lock until the returned scope is disposed: <c>using (x.Hold()) { ... }</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal Scope Hold()
    {
        Enter();
        return new Scope(this);
    }

    /// <summary>Takes the lock (for a holder that cannot use a scope: <see cref="ForkSafety"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal void Enter()
    {
        if (Interlocked.CompareExchange(ref _held, 1, 0) != 0)
            Wait();
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private void Wait()
    {
        for (int round = 0; ; round++)
        {
            // Read before trying, so that waiters do not take the line from the holder on every turn.
            if (Volatile.Read(ref _held) == 0 && Interlocked.CompareExchange(ref _held, 1, 0) == 0)
                return;
            if (round < 10)
                Thread.SpinWait(1 << round);
            else
                Thread.Yield();
        }
    }

    /// <summary>Gives the lock back (the holder only).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal void Exit()
    {
        Debug.Assert(Volatile.Read(ref _held) == 1, "AllocatorLock.Exit by a thread that does not hold it");
        Volatile.Write(ref _held, 0);
    }

    /// <summary>Whether some thread holds the lock (for checks).</summary>
    internal bool IsHeld => Volatile.Read(ref _held) != 0;

    /// <summary>The lock held for a <c>using</c> block.</summary>
    internal readonly struct Scope(AllocatorLock held) : IDisposable
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Dispose() => held.Exit();
    }
}
