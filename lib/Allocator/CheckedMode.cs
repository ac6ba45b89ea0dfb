using System.Runtime.InteropServices;

namespace Workbench.Allocator;

/// <summary>
/// The debugging mode: scrubs new and freed storage, guards each block's slack with a
/// canary, and checks every free and realloc for double frees, unknown pointers,
/// overwritten headers, overruns and writes after free, throwing
/// <see cref="HeapCorruptionException"/> before the heap is touched.
/// </summary>
/// <remarks>
/// Invariants: every block handed out while checked mode is on has a record in
/// <see cref="s_live"/> keyed by its data address, holding the header words the allocator
/// wrote; a freed data address stays in <see cref="s_freed"/> until it is handed out again.
/// A freed bucket block is scrubbed from its natural data address (right after the real
/// header, before any fake header) to its end, and <see cref="s_scrubbed"/> holds that length
/// under that address until the block is handed out again, whatever its next layout.
/// Both tables and every checked operation are serialised by <see cref="s_lock"/>: this mode
/// trades speed for certainty. When the mode is off (the default) <see cref="Policy.Checked"/>
/// is a folded constant and none of this code runs.
/// </remarks>
internal static unsafe class CheckedMode
{
    /// <summary>Written into new storage (not into zero-filled storage).</summary>
    internal const byte AllocFill = 0xA5;

    /// <summary>Written into freed storage.</summary>
    internal const byte FreeFill = 0xDF;

    /// <summary>Written into the slack between the request size and the usable size.</summary>
    private const byte Canary = 0xFD;

    private static readonly AllocatorLock s_lock = new();

    /// <summary>The lock of every checked operation (held across fork by <see cref="ForkSafety"/>).</summary>
    internal static AllocatorLock CheckLock => s_lock;

    private static readonly Dictionary<nuint, LiveBlock> s_live = [];
    private static readonly HashSet<nuint> s_freed = [];
    private static readonly Dictionary<nuint, nuint> s_scrubbed = [];

    private readonly record struct LiveBlock(nuint Real, nuint RealWord, nuint Size, nuint FakeWord, nuint Alignment, nuint Usable);

    internal static void* Malloc(nuint size)
    {
        void* p = AllocPaths.Allocate(size, SizeClasses.HeaderSize, false, Routine.Malloc);
        if (p != null)
            Track(p, zeroFilled: false);
        return p;
    }

    /// <summary>Checks and records a block just handed out by an allocating routine.</summary>
    internal static void Track(void* p, bool zeroFilled)
    {
        using (s_lock.Hold())
        {
            var address = (nuint)p;
            s_freed.Remove(address);
            byte* natural = (byte*)(BlockHeader.RealOf(p) + 1);
            if (s_scrubbed.Remove((nuint)natural, out nuint scrubbed) && !zeroFilled)
            {
                // The allocator itself wrote only the fake header of an aligned block.
                long bad = FirstNot(natural, scrubbed, FreeFill, skipFrom: (byte*)p - SizeClasses.HeaderSize, skipTo: p);
                if (bad >= 0)
                {
                    Record(p);
                    throw new HeapCorruptionException(HeapProblem.WriteAfterFree, address, $"byte {bad} of the block (from 0x{(ulong)natural:x}) changed after it was freed");
                }
            }
            nuint size = BlockHeader.RealOf(p)->Size;
            if (!zeroFilled)
                NativeMemory.Fill(p, size, AllocFill);
            Record(p);
        }
    }

    internal static void Free(void* p)
    {
        if (p == null)
        {
            FreePaths.FreeSlow(p, null);
            return;
        }
        using (s_lock.Hold())
        {
            LiveBlock block = Verify(p);
            Forget(p, block, scrub: true);
            // The scrub may have covered a fake header: free through the real one.
            FreePaths.FreeBlock(HeapPool.Acquire(), (BlockHeader*)block.Real);
        }
    }

    /// <summary>Realloc, Resize and their aligned forms, checked.</summary>
    internal static void* Realloc(void* p, nuint size, nuint alignment, bool resize)
    {
        using (s_lock.Hold())
        {
            LiveBlock old = p != null ? Verify(p, HeapProblem.FreedBlock) : default;
            void* q = resize ? ReallocPaths.Resize(p, size, alignment) : ReallocPaths.Realloc(p, size, alignment);
            bool released = p != null && (q != p) && (q != null || size == 0);
            if (released)
                Forget(p, old, scrub: false);
            if (q != null)
            {
                // Bytes the caller has not written yet are scrubbed: all of a resized block,
                // the new tail of a realloc'd one (unless it is zero-filled).
                nuint kept = p == null || resize ? 0 : Math.Min(old.Size, size);
                if (!BlockHeader.IsZeroFilled(q) && size > kept)
                    NativeMemory.Fill((byte*)q + kept, size - kept, AllocFill); // any length: blocks pass 2 and 4 GiB
                s_freed.Remove((nuint)q);
                s_scrubbed.Remove((nuint)(BlockHeader.RealOf(q) + 1));
                Record(q);
            }
            return q;
        }
    }

    /// <summary>The blocks allocated and not freed.</summary>
    internal static IReadOnlyList<UnfreedBlock> Unfreed()
    {
        using (s_lock.Hold())
            return s_live.Select(kv => new UnfreedBlock(kv.Key, kv.Value.Size)).OrderBy(b => b.Address).ToArray();
    }

    private static void Record(void* p)
    {
        BlockHeader* real = BlockHeader.RealOf(p);
        BlockHeader* fake = BlockHeader.Of(p);
        nuint usable = BlockHeader.UsableSize(p);
        nuint size = real->Size;
        if (usable > size)
            NativeMemory.Fill((byte*)p + size, usable - size, Canary);
        s_live[(nuint)p] = new LiveBlock((nuint)real, real->Word, size, fake != real ? fake->Word : 0, fake != real ? fake->Size : 0, usable);
    }

    /// <summary>
    /// The live block at <paramref name="p"/>, its headers and canary checked; a freed one is reported as
    /// <paramref name="ifFreed"/> (a double free, or realloc of a freed block).
    /// </summary>
    private static LiveBlock Verify(void* p, HeapProblem ifFreed = HeapProblem.DoubleFree)
    {
        var address = (nuint)p;
        if (!s_live.TryGetValue(address, out LiveBlock block))
        {
            throw s_freed.Contains(address)
                ? new HeapCorruptionException(ifFreed, address, "the block was freed already")
                : new HeapCorruptionException(HeapProblem.UnknownPointer, address, "no live block starts at this address");
        }
        BlockHeader* fake = BlockHeader.Of(p);
        if (block.Alignment != 0 && (fake->Word != block.FakeWord || fake->Size != block.Alignment))
            throw new HeapCorruptionException(HeapProblem.HeaderOverwritten, address, $"the alignment header at 0x{(ulong)fake:x} was overwritten");
        var real = (BlockHeader*)block.Real;
        if (real->Word != block.RealWord || real->Size != block.Size)
            throw new HeapCorruptionException(HeapProblem.HeaderOverwritten, address, $"the header at 0x{(ulong)real:x} was overwritten ({Overwritten(real, block)}){OverrunBefore(real, block)}");
        long bad = FirstNot((byte*)p + block.Size, block.Usable - block.Size, Canary);
        if (bad >= 0)
            throw new HeapCorruptionException(HeapProblem.Overrun, address, $"byte {block.Size + (nuint)bad} written, past the {block.Size} bytes requested");
        return block;
    }

    /// <summary>Which field of the real header changed, and how.</summary>
    private static string Overwritten(BlockHeader* real, in LiveBlock block) => real->Word != block.RealWord
        ? $"its first word reads 0x{(ulong)real->Word:x}, where the allocator wrote 0x{(ulong)block.RealWord:x}"
        : $"its size field reads {real->Size}, where the allocator wrote {block.Size}";

    /// <summary>
    /// When the block right before <paramref name="real"/> in the same size class is live and fills its block to the
    /// last byte (no slack, so no canary), the likeliest writer: says so, with its address.
    /// </summary>
    private static string OverrunBefore(BlockHeader* real, in LiveBlock block)
    {
        if ((block.RealWord & BlockHeader.MmapFlag) != 0)
            return "";
        nuint bytes = SizeClasses.BlockSize(ThreadHeap.IndexOf((Bucket*)(block.RealWord & ~BlockHeader.FlagMask))); // what the header said
        var before = (nuint)real - bytes + SizeClasses.HeaderSize;
        return s_live.TryGetValue(before, out LiveBlock previous) && previous.Size == previous.Usable
            ? $"; the live block before it, at 0x{(ulong)before:x}, fills its {previous.Size} bytes exactly: an overrun of that block reaches this header"
            : "";
    }

    private static void Forget(void* p, LiveBlock block, bool scrub)
    {
        s_live.Remove((nuint)p);
        s_freed.Add((nuint)p);
        bool mapped = (block.RealWord & BlockHeader.MmapFlag) != 0;
        if (scrub && !mapped)
        {
            var real = (BlockHeader*)block.Real;
            nuint length = real->BlockBytes - SizeClasses.HeaderSize;
            NativeMemory.Fill(real + 1, length, FreeFill);
            s_scrubbed[(nuint)(real + 1)] = length;
        }
    }

    private static long FirstNot(byte* start, nuint length, byte value)
    {
        // A span holds at most 2^31 - 1 bytes; a block can hold more, so it is searched a gibibyte at a time.
        const nuint Chunk = 1 << 30;
        for (nuint done = 0; done < length; done += Chunk)
        {
            int at = new ReadOnlySpan<byte>(start + done, (int)Math.Min(length - done, Chunk)).IndexOfAnyExcept(value);
            if (at >= 0)
                return (long)done + at;
        }
        return -1;
    }

    /// <summary>The offset of the first byte in [start, start + length) other than <paramref name="value"/>, outside [skipFrom, skipTo); -1 if none.</summary>
    private static long FirstNot(byte* start, nuint length, byte value, byte* skipFrom, void* skipTo)
    {
        byte* end = start + length;
        byte* skipEnd = (byte*)skipTo;
        if (skipEnd <= start || skipFrom >= end)
            return FirstNot(start, length, value);
        if (skipFrom > start)
        {
            long before = FirstNot(start, (nuint)(skipFrom - start), value);
            if (before >= 0)
                return before;
        }
        byte* resume = skipEnd < end ? skipEnd : end;
        long after = FirstNot(resume, (nuint)(end - resume), value);
        return after >= 0 ? after + (resume - start) : -1;
    }
}
