using System.Runtime.CompilerServices;

namespace Workbench.Allocator;

/// <summary>
/// The shared area that every heap's region and bump areas are taken from: address space reserved in large ranges
/// with no access, committed as it is needed, and never given back.
/// </summary>
/// <remarks>
/// Invariants: <c>s_next &lt;= s_committed &lt;= s_reserved</c> within the current range; every byte below
/// <c>s_next</c> has been handed out once and only once (to a heap's region or a bump area); the area grows in steps of
/// at least <see cref="Tunables.s_extension"/> (M_TOP_PAD). All of it changes only under <see cref="Lock"/>, which is
/// taken inside <see cref="HeapPool.HeapLock"/> when both are held.
/// </remarks>
internal static unsafe class SharedArea
{
    /// <summary>Address space reserved at a time.</summary>
    private static readonly nuint s_reservationSize = (nuint)Math.Min(64UL << 30, (ulong)nuint.MaxValue / 4);

    private static readonly AllocatorLock s_lock = new();
    private static byte* s_next;
    private static byte* s_committed;
    private static byte* s_reserved;
    private static long s_extendCalls;
    private static long s_extendBytes;

    /// <summary>The most ranges <see cref="Contains"/> can tell apart (each is at least one extension step).</summary>
    private const int MaxRanges = 256;

    /// <summary>
    /// The committed part of every range reserved so far: <c>[s_rangeStart[i], s_rangeEnd[i])</c> for
    /// <c>i &lt; s_rangeCount</c>. Entries are only appended, and an end only grows, each with a release store, so
    /// <see cref="Contains"/> reads them without the lock.
    /// </summary>
    private static readonly nuint[] s_rangeStart = new nuint[MaxRanges];
    private static readonly nuint[] s_rangeEnd = new nuint[MaxRanges];
    private static int s_rangeCount;

    /// <summary>The area's lock (held across fork by <see cref="ForkSafety"/>).</summary>
    internal static AllocatorLock Lock => s_lock;

    /// <summary>The commits of the area so far, and their bytes.</summary>
    internal static (long ExtendCalls, long ExtendBytes) Counters => (Volatile.Read(ref s_extendCalls), Volatile.Read(ref s_extendBytes));

    /// <summary>Set once more ranges were reserved than <see cref="MaxRanges"/>: <see cref="Contains"/> can no longer tell.</summary>
    private static bool s_rangesOverflowed;

    /// <summary>
    /// Whether the <paramref name="bytes"/> from <paramref name="address"/> lie in the committed shared area, where
    /// every heap region and every bucket block is: a pointer that does not cannot be the allocator's, and reading it
    /// could fault. Lock-free; true when the area has more ranges than it records (it can then not tell).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static bool Contains(void* address, nuint bytes)
    {
        if (Volatile.Read(ref s_rangesOverflowed))
            return true;
        var start = (nuint)address;
        int count = Volatile.Read(ref s_rangeCount);
        for (int i = 0; i < count; i++)
        {
            nuint end = Volatile.Read(ref s_rangeEnd[i]);
            if (start >= s_rangeStart[i] && start < end && end - start >= bytes)
                return true;
        }
        return false;
    }

    /// <summary>
    /// Takes <paramref name="bytes"/> (rounded up to pages) of committed shared area starting at a multiple of
    /// <paramref name="alignment"/> (a power of two, at least a page); the pages skipped to align are never touched.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static byte* Take(nuint bytes, nuint alignment)
    {
        bytes = OsMemory.RoundUpToPage(bytes);
        using (s_lock.Hold())
        {
            byte* p = AlignedNext(alignment);
            if (p < s_next || p > s_committed || (nuint)(s_committed - p) < bytes)
            {
                if (!Grow(bytes + alignment))
                    return null;
                p = AlignedNext(alignment);
            }
            s_next = p + bytes;
            return p;
        }

        static byte* AlignedNext(nuint alignment) => (byte*)(((nuint)s_next + alignment - 1) & ~(alignment - 1));
    }

    /// <summary>Commits more of the reservation, reserving a new range when it is used up.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool Grow(nuint bytes)
    {
        nuint growth = Math.Max(Tunables.s_extension, bytes);
        growth = OsMemory.RoundUpToPage(growth);
        if (growth == 0)
            return false;
        if ((nuint)(s_reserved - s_committed) < growth)
        {
            // A fresh range; the uncommitted tail of the old one stays reserved and unused.
            // Under an address-space limit (ulimit -v, valgrind) a large reservation fails:
            // halve it until the OS accepts, down to what this extension needs.
            nuint reserve = OsMemory.s_useMmap ? Math.Max(s_reservationSize, growth) : growth;
            byte* range = (byte*)OsMemory.Reserve(reserve);
            while (range == null && reserve / 2 >= growth)
            {
                reserve = OsMemory.RoundUpToPage(reserve / 2);
                range = (byte*)OsMemory.Reserve(reserve);
            }
            if (range == null)
                return false;
            s_next = s_committed = range;
            s_reserved = range + reserve;
            if (s_rangeCount < MaxRanges)
            {
                s_rangeStart[s_rangeCount] = (nuint)range;
                Volatile.Write(ref s_rangeEnd[s_rangeCount], (nuint)range);
                Volatile.Write(ref s_rangeCount, s_rangeCount + 1);
            }
            else
            {
                s_rangesOverflowed = true;
            }
        }
        if (!OsMemory.Commit(s_committed, growth))
            return false;
        s_committed += growth;
        if (!s_rangesOverflowed)
            Volatile.Write(ref s_rangeEnd[s_rangeCount - 1], (nuint)s_committed);
        s_extendCalls++;
        s_extendBytes += (long)growth;
        return true;
    }
}
