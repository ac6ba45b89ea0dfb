using System.Runtime.CompilerServices;

namespace Workbench.Allocator;

/// <summary>
/// The start-up values the fast paths read, as each kind of compiled code reads them best. JIT code reads the originals,
/// <c>static readonly</c> fields that tier-1 code folds into constants. Code compiled ahead of time (NativeAOT:
/// <c>libcfamalloc.so</c>, the <c>cfa-aot</c> trial program) cannot fold them, and before it reads a static of a class
/// with a static constructor, or calls into a class with an explicit one, it tests that the constructor has run: a load
/// and a branch per class per call, and a call on the cold side that made the fast path save six registers
/// (<c>objdump -d</c> of <c>cfa_fast_malloc</c>: <c>Tunables</c>, <c>SizeClasses</c>, <c>BlockHeader</c>). So it reads
/// copies kept here, in a class with no static constructor, which need no test.
/// <see cref="RuntimeFeature.IsDynamicCodeSupported"/> is a constant to both compilers (true under the JIT, false under
/// NativeAOT), so each keeps one branch of each accessor (these, <see cref="BlockHeader.Mark"/>,
/// <see cref="ThreadHeap.Owns"/>, <see cref="ThreadHeap.OwnsPlain"/>, <see cref="ThreadHeap.BucketTallyOf"/> and
/// <see cref="CountsFastPaths"/>, which has no copy: code compiled ahead of time always counts). <see cref="Checked"/> is
/// the one switch read before the heap: its copy says only "published, and off", so that code compiled ahead of time
/// tests <see cref="Policy"/>'s initialisation only before <see cref="Publish"/> or in checked mode.
/// </summary>
/// <remarks>
/// Invariant: the copies are 0 (null) until <see cref="Publish"/> runs, which <see cref="HeapPool.Acquire"/> does before
/// any thread has a heap; every fast path tests for a heap, and for a size under the limit, before it reads the others,
/// so an unpublished 0 only sends a call to the slow path. The limit is written last, and
/// <see cref="Tunables.SetMmapThreshold"/> keeps it equal to <see cref="Tunables.s_fastLimit"/>.
/// <code>
///   V1  s_publishedUnchecked  =&gt;  !Policy.Checked        (false until Publish; never reset)
/// </code>
/// so a false copy sends a call to the test of <see cref="Policy.Checked"/> itself, which is always right.
/// </remarks>
internal static unsafe class FastPathValues
{
    private static nuint s_fastLimit;
    private static byte* s_lookup;
    private static byte* s_naturalLookup;
    private static bool s_publishedUnchecked;

    /// <summary>The copy of the heap layer's freed mark (<see cref="BlockHeader.Mark"/> reads it).</summary>
    internal static nuint s_freedMark;

    /// <summary>The copy of the bytes of a heap's region (<see cref="ThreadHeap.Owns"/> reads it).</summary>
    internal static nuint s_heapSpan;

    /// <summary>The copy of where a heap's per-bucket tallies start (<see cref="ThreadHeap.BucketTallyOf"/> reads it).</summary>
    internal static int s_bucketTallyOffset;

    /// <summary>The copy of where a heap's naturally aligned buckets start (<see cref="ThreadHeap.OwnsPlain"/> reads it).</summary>
    internal static nuint s_naturalOffset;

    /// <summary>
    /// <see cref="Policy.CountFastPaths"/> in JIT-compiled code, which folds it; always true in code compiled ahead of
    /// time, where a copy tested on every call cost the malloc-free pair 3-8% with counting on (the preloaded library
    /// and cfa-aot count their fast paths whatever the switch says).
    /// </summary>
    internal static bool CountsFastPaths
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => !RuntimeFeature.IsDynamicCodeSupported || Policy.CountFastPaths;
    }

    /// <summary>
    /// <see cref="Policy.Checked"/>, for the public routines' first test. JIT code reads the original, which tier 1
    /// folds. Code compiled ahead of time reads the copy first (V1): once published in the default mode that is one
    /// load of a byte and a branch, where reading <see cref="Policy"/> tested its class's initialisation on every call
    /// and kept the class's address in a register or a stack slot across the caller's loop (<c>objdump -d</c> of
    /// <c>SpeedWorkload.AlignedFree&lt;CfaAllocator&gt;</c> in the cfa-aot trial program).
    /// </summary>
    internal static bool Checked
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => RuntimeFeature.IsDynamicCodeSupported ? Policy.Checked : !s_publishedUnchecked && Policy.Checked;
    }

    /// <summary><see cref="Tunables.s_fastLimit"/>: sizes 1 to this (and below the mmap threshold) may take a fast path.</summary>
    internal static nuint FastLimit
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => RuntimeFeature.IsDynamicCodeSupported ? Tunables.s_fastLimit : Volatile.Read(ref s_fastLimit);
    }

    /// <summary>The size class of a request of 1 to <see cref="SizeClasses.LookupLimit"/> bytes: one load from the table.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static int SmallBucket(nuint size) => (RuntimeFeature.IsDynamicCodeSupported ? SizeClasses.s_lookup : s_lookup)[(size + 15) >> 4];

    /// <summary>The naturally aligned class of a request of 1 to <see cref="SizeClasses.NaturalLimit"/> bytes: one load.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static int NaturalBucket(nuint size) => (RuntimeFeature.IsDynamicCodeSupported ? SizeClasses.s_naturalLookup : s_naturalLookup)[(size + 15) >> 4];

    /// <summary>Copies the values, the limit last (idempotent; slow paths only).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Publish(nuint freedMark, nuint heapSpan, int bucketTallyOffset, nuint naturalOffset)
    {
        s_naturalOffset = naturalOffset;
        s_lookup = SizeClasses.s_lookup;
        s_naturalLookup = SizeClasses.s_naturalLookup;
        s_freedMark = freedMark;
        s_heapSpan = heapSpan;
        s_bucketTallyOffset = bucketTallyOffset;
        s_publishedUnchecked = !Policy.Checked;
        Volatile.Write(ref s_fastLimit, Tunables.s_fastLimit);
    }

    /// <summary>Sets the limit's copy (<see cref="Tunables.SetMmapThreshold"/>), once <see cref="Publish"/> has run.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void SetFastLimit(nuint limit)
    {
        if (s_lookup != null)
            Volatile.Write(ref s_fastLimit, limit);
    }
}
