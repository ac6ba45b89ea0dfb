using System.Runtime.CompilerServices;

namespace Workbench.Allocator;

/// <summary>
/// The size classes (buckets) and the mapping from a request size to its bucket.
/// </summary>
/// <remarks>
/// Invariants:
/// <list type="bullet">
/// <item>A bucket's block size includes the 16-byte header and is a multiple of 16, so blocks
/// carved one after another from a 16-aligned area stay 16-aligned.</item>
/// <item>Payload capacities are 16..128 in steps of 16, then 4 steps per power of two up to
/// 4 KiB, then 8 steps per power of two up to 4 MiB. Every multiple of 16 up to 128 and every
/// power of two is a capacity, so common requests waste nothing (the thesis puts a bucket at
/// each power of two plus the header for the same reason); otherwise waste is at most 25%
/// below 4 KiB and 12.5% above.</item>
/// <item><see cref="s_lookup"/> answers requests up to <see cref="LookupLimit"/> in one load;
/// larger requests use a binary search over <see cref="s_payload"/>'s first <see cref="s_plainCount"/> entries.</item>
/// <item>After the <see cref="s_plainCount"/> plain classes come the naturally aligned ones, for requests aligned to 64
/// bytes of at most <see cref="NaturalLimit"/> bytes (<see cref="NaturalBucket"/>): block sizes that are
/// multiples of <see cref="NaturalAlignment"/>, 64 B to 8 KiB, whose blocks a refill carves with the data at a
/// multiple of 64 (N1 of <see cref="HeapInvariants"/>). Their blocks need no fake header, so aligned_alloc(64) and
/// its free take the same fast paths as malloc and free, and the bucket says the alignment (sticky for realloc).
/// tcmalloc serves such requests from size classes that are aligned already in the same way.</item>
/// </list>
/// The thesis uses 91 buckets from 16 B to 4 MiB and a byte table below 64 KiB; this table keeps
/// that shape with the header-exact powers of two (108 plain buckets; 24 naturally aligned ones follow).
/// </remarks>
internal static unsafe class SizeClasses
{
    /// <summary>Bytes of header in front of every block.</summary>
    internal const int HeaderSize = 16;

    /// <summary>
    /// Requests up to this many bytes find their bucket with one table load (8 KiB of table). It reaches past
    /// 64 KiB so that an aligned request of 64 KiB, whose payload includes the alignment, still takes the fast path.
    /// </summary>
    internal const int LookupLimit = 128 * 1024;

    /// <summary>The largest payload a bucket holds (4 MiB); larger requests are always mmap'd.</summary>
    internal const nuint MaxPayload = 4 * 1024 * 1024;

    /// <summary>No request above 64 TiB can succeed on any current machine: refused at once.</summary>
    internal const ulong MaxRequest = 1UL << 46;

    /// <summary>The alignment of the data of every block of a naturally aligned class.</summary>
    internal const nuint NaturalAlignment = 64;

    /// <summary>The largest request a naturally aligned class serves (its largest block, 8 KiB, less the header).</summary>
    internal const nuint NaturalLimit = 8 * 1024 - HeaderSize;

    /// <summary>The number of buckets: the plain classes, then the naturally aligned ones.</summary>
    internal static readonly int s_count;

    /// <summary>The number of plain classes, the first buckets (the ones malloc uses).</summary>
    internal static readonly int s_plainCount;

    /// <summary>
    /// Payload capacity of each bucket (block size minus header): ascending over the plain classes, then ascending again
    /// over the naturally aligned ones.
    /// </summary>
    internal static readonly nuint[] s_payload;

    /// <summary>Naturally aligned bucket index for each request size up to <see cref="NaturalLimit"/> rounded up to 16.</summary>
    internal static readonly byte* s_naturalLookup;

    /// <summary>Bucket index for each request size rounded up to 16: index (size + 15) / 16.</summary>
    internal static readonly byte* s_lookup;

    /// <summary>
    /// Block size (header included) of each bucket, in unmanaged memory like <see cref="s_lookup"/>: read with no
    /// bounds check and no managed reference, so that code run without a GC transition may read it (the preloaded
    /// library's malloc_usable_size).
    /// </summary>
    private static readonly nuint* s_blockSize;

    static SizeClasses()
    {
        var payloads = new List<nuint>();
        for (nuint p = 16; p <= 128; p += 16)
            payloads.Add(p);
        AddSteps(payloads, 128, 4096, 4);
        AddSteps(payloads, 4096, MaxPayload, 8);
        s_plainCount = payloads.Count;
        // Naturally aligned: blocks of 64 to 256 B in steps of 64, then four steps per power of two up to 8 KiB.
        var natural = new List<nuint>();
        for (nuint b = 64; b <= 256; b += 64)
            natural.Add(b);
        AddSteps(natural, 256, NaturalLimit + HeaderSize, 4);
        payloads.AddRange(natural.Select(b => b - HeaderSize));
        s_payload = payloads.ToArray();
        s_count = s_payload.Length;

        // The table lives in unmanaged memory so that the fast path indexes it with no bounds
        // check and no GC handle; it is built once and never freed.
        int entries = LookupLimit / 16 + 1;
        s_lookup = (byte*)System.Runtime.InteropServices.NativeMemory.Alloc((nuint)entries);
        int bucket = 0;
        for (int i = 0; i < entries; i++)
        {
            nuint request = (nuint)i * 16;
            while (s_payload[bucket] < request)
                bucket++;
            s_lookup[i] = checked((byte)bucket);
        }
        int naturalEntries = (int)(NaturalLimit / 16) + 1;
        s_naturalLookup = (byte*)System.Runtime.InteropServices.NativeMemory.Alloc((nuint)naturalEntries);
        bucket = s_plainCount;
        for (int i = 0; i < naturalEntries; i++)
        {
            nuint request = (nuint)i * 16;
            while (s_payload[bucket] < request)
                bucket++;
            s_naturalLookup[i] = checked((byte)bucket);
        }
        s_blockSize = (nuint*)System.Runtime.InteropServices.NativeMemory.Alloc((nuint)s_count, (nuint)sizeof(nuint));
        for (int i = 0; i < s_count; i++)
            s_blockSize[i] = s_payload[i] + HeaderSize;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void AddSteps(List<nuint> payloads, nuint from, nuint to, int stepsPerDoubling)
    {
        for (nuint low = from; low < to; low *= 2)
        {
            nuint step = low / (nuint)stepsPerDoubling;
            for (int k = 1; k <= stepsPerDoubling; k++)
                payloads.Add(low + step * (nuint)k);
        }
    }

    /// <summary>The bucket for a request of at most <see cref="LookupLimit"/> bytes: one load.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static int SmallBucket(nuint size) => FastPathValues.SmallBucket(size);

    /// <summary>
    /// The naturally aligned bucket for a request of 0 to <see cref="NaturalLimit"/> bytes aligned to 64: one load.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static int NaturalBucket(nuint size) => FastPathValues.NaturalBucket(size);

    /// <summary>Whether an aligned request takes a naturally aligned class: 64, and at most <see cref="NaturalLimit"/> bytes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static bool IsNatural(nuint alignment, nuint size) =>
        alignment == NaturalAlignment && size <= NaturalLimit;

    /// <summary>
    /// Whether every block of bucket <paramref name="index"/> spans a whole page past its header: the buckets MallocTrim
    /// parks (plain classes from 4 KiB up, naturally aligned ones from 5 KiB; the two kinds are each in size order).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static bool HoldsWholePages(int index) => BlockSize(index) >= OsMemory.s_pageSize + HeaderSize;

    /// <summary>Whether <paramref name="bytes"/> is the block size of some class, plain or naturally aligned.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static bool IsBlockSize(nuint bytes)
    {
        nuint payload = bytes - HeaderSize;
        if (payload > MaxPayload)
            return false;
        return BlockSize(Bucket(payload)) == bytes || (payload <= NaturalLimit && BlockSize(NaturalBucket(payload)) == bytes);
    }

    /// <summary>The bucket for any request up to <see cref="MaxPayload"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static int Bucket(nuint size)
    {
        if (size <= LookupLimit)
            return SmallBucket(size);
        int lo = s_lookup[LookupLimit >> 4], hi = s_plainCount - 1;
        while (lo < hi)
        {
            int mid = (lo + hi) >> 1;
            if (s_payload[mid] < size)
                lo = mid + 1;
            else
                hi = mid;
        }
        return lo;
    }

    /// <summary>
    /// Block size (header included) of bucket <paramref name="index"/>. An index out of range (a header that no block of
    /// this allocator has: a misuse) throws <see cref="IndexOutOfRangeException"/>, as the managed array did.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static nuint BlockSize(int index) => (uint)index < (uint)s_count ? s_blockSize[index] : NoSuchBucket(index);

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static nuint NoSuchBucket(int index) =>
        throw new IndexOutOfRangeException($"bucket index {index} is not one of cfa-malloc's {s_count} size classes: the block's header was not written by cfa-malloc");
}
