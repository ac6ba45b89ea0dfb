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
/// wrote; a freed address stays in <see cref="s_freed"/> until it is handed out again, with the
/// number of bytes scrubbed (0 when the storage went back to the OS or was not scrubbed).
/// Both tables and every checked operation are serialised by <see cref="s_lock"/>: this mode
/// trades speed for certainty. When the mode is off (the default) <see cref="Policy.Checked"/>
/// is a folded constant and none of this code runs.
/// </remarks>
internal static unsafe class CheckedMode
{
    /// <summary>Written into the slack between the request size and the usable size.</summary>
    private const byte Canary = 0xFD;

    private static readonly Lock s_lock = new();
    private static readonly Dictionary<nuint, LiveBlock> s_live = [];
    private static readonly Dictionary<nuint, nuint> s_freed = [];

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
        lock (s_lock)
        {
            var address = (nuint)p;
            if (s_freed.Remove(address, out nuint scrubbed) && scrubbed > 0 && !zeroFilled)
            {
                nuint length = Math.Min(scrubbed, BlockHeader.UsableSize(p));
                long bad = FirstNot((byte*)p, length, CfaMalloc.CheckedFreeFill);
                if (bad >= 0)
                {
                    Record(p);
                    throw new HeapCorruptionException(HeapProblem.WriteAfterFree, address, $"byte {bad} of the block changed after it was freed");
                }
            }
            nuint size = BlockHeader.RealOf(p)->Size;
            if (!zeroFilled)
                new Span<byte>(p, checked((int)Math.Min(size, int.MaxValue))).Fill(CfaMalloc.CheckedAllocFill);
            Record(p);
        }
    }

    internal static void Free(void* p)
    {
        if (p == null)
        {
            FreePaths.FreeSlow(p);
            return;
        }
        lock (s_lock)
        {
            LiveBlock block = Verify(p);
            Forget(p, block, scrub: true);
            FreePaths.FreeSlow(p);
        }
    }

    /// <summary>Realloc, Resize and their aligned forms, checked.</summary>
    internal static void* Realloc(void* p, nuint size, nuint alignment, bool resize)
    {
        lock (s_lock)
        {
            LiveBlock old = p != null ? Verify(p) : default;
            void* q = resize ? ReallocPaths.Resize(p, size, alignment) : ReallocPaths.Realloc(p, size, alignment);
            bool released = p != null && (q != p) && (q != null || size == 0);
            if (released)
                Forget(p, old, scrub: false);
            if (q != null)
            {
                // Bytes the caller has not written yet are scrubbed: all of a resized block,
                // the new tail of a realloc'd one (unless it is zero-filled).
                nuint kept = p == null || resize ? 0 : Math.Min(old.Size, size);
                if (!CfaMalloc.MallocZeroFill(q) && size > kept)
                    new Span<byte>((byte*)q + kept, checked((int)(size - kept))).Fill(CfaMalloc.CheckedAllocFill);
                s_freed.Remove((nuint)q);
                Record(q);
            }
            return q;
        }
    }

    /// <summary>The blocks allocated and not freed.</summary>
    internal static IReadOnlyList<UnfreedBlock> Unfreed()
    {
        lock (s_lock)
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

    private static LiveBlock Verify(void* p)
    {
        var address = (nuint)p;
        if (!s_live.TryGetValue(address, out LiveBlock block))
        {
            throw s_freed.ContainsKey(address)
                ? new HeapCorruptionException(HeapProblem.DoubleFree, address, "the block was freed already")
                : new HeapCorruptionException(HeapProblem.UnknownPointer, address, "no live block starts at this address");
        }
        BlockHeader* fake = BlockHeader.Of(p);
        if (block.Alignment != 0 && (fake->Word != block.FakeWord || fake->Size != block.Alignment))
            throw new HeapCorruptionException(HeapProblem.HeaderOverwritten, address, $"the alignment header at 0x{(ulong)fake:x} was overwritten");
        var real = (BlockHeader*)block.Real;
        if (real->Word != block.RealWord || real->Size != block.Size)
            throw new HeapCorruptionException(HeapProblem.HeaderOverwritten, address, $"the header at 0x{(ulong)real:x} was overwritten (size {block.Size} expected, {real->Size} found)");
        long bad = FirstNot((byte*)p + block.Size, block.Usable - block.Size, Canary);
        if (bad >= 0)
            throw new HeapCorruptionException(HeapProblem.Overrun, address, $"byte {block.Size + (nuint)bad} written, past the {block.Size} bytes requested");
        return block;
    }

    private static void Forget(void* p, LiveBlock block, bool scrub)
    {
        s_live.Remove((nuint)p);
        bool mapped = (block.RealWord & BlockHeader.MmapFlag) != 0;
        if (scrub && !mapped)
        {
            NativeMemory.Fill(p, block.Usable, CfaMalloc.CheckedFreeFill);
            s_freed[(nuint)p] = block.Usable;
        }
        else
        {
            s_freed[(nuint)p] = 0;
        }
    }

    private static long FirstNot(byte* start, nuint length, byte value)
    {
        var span = new ReadOnlySpan<byte>(start, checked((int)length));
        return span.IndexOfAnyExcept(value);
    }
}
