using System.Collections.Concurrent;
using System.Diagnostics;

namespace Workbench.Allocator.Testing;

/// <summary>What one run of <see cref="StressWorkload"/> did, counted by the workload itself.</summary>
public sealed class StressResult
{
    /// <summary>Successful calls per routine, as the workload made them.</summary>
    public long Mallocs, Callocs, Memaligns, Aallocs, Amemaligns, Cmemaligns, Reallocs, AlignedReallocs, Resizes, AlignedResizes, Frees;

    /// <summary>Frees, by a worker, of a heap (not mmap'd) block that another worker allocated.</summary>
    public long CrossThreadHeapFrees;

    /// <summary>Blocks handed to another worker's queue.</summary>
    public long HandOffs;

    /// <summary>Bytes whose pattern was verified.</summary>
    public long BytesVerified;

    /// <summary>Wall time of the run.</summary>
    public TimeSpan Elapsed;

    /// <summary>Every problem seen (corruption, a null result, a wrong query answer), at most a few dozen.</summary>
    public ConcurrentQueue<string> Errors { get; } = new();

    /// <summary>Total operations done.</summary>
    public long Operations;
}

/// <summary>
/// The multi-threaded stress of issue 2: workers do random malloc/calloc/realloc/aligned/free
/// operations with random sizes (mostly small, some up to 4 MiB), hand blocks to each other
/// through concurrent queues to be freed or reallocated by another thread, and fill every block
/// (its whole usable size) with a pattern derived from its address and size that is verified
/// before the block is freed or reallocated. Used by the tests (ownership on) and by the probe
/// (ownership off).
/// </summary>
public static unsafe class StressWorkload
{
    private struct Block
    {
        public nint P;
        public nuint Size;
        public nuint Usable;
        public ulong Seed;
        public int Owner;
        public nuint Alignment;
        public bool Zero;

        /// <summary>The block may be mmap'd: it was big enough when it was (re)allocated, or shrank in place since.</summary>
        public bool MaybeMapped;
    }

    /// <summary>Runs the workload; returns what it did. It frees everything it allocated.</summary>
    /// <remarks>
    /// With <paramref name="fillUsable"/> false only the request size is written (checked mode
    /// treats a write past the request size as an overrun). <paramref name="checkHeap"/>, when given, runs on every
    /// worker every <see cref="CheckEvery"/> operations and when it is done: a non-null answer is an error.
    /// </remarks>
    public static StressResult Run(int threads, int operationsPerThread, int seed, int maxLivePerThread = 400, bool fillUsable = true,
        Func<string?>? checkHeap = null)
    {
        s_fillUsable = fillUsable;
        s_threshold = CfaMalloc.MmapThreshold;
        var result = new StressResult();
        // Worker t hands blocks to the other workers' queues and takes blocks from queues[t] only,
        // so every block it takes was allocated (or last moved) by another thread.
        var queues = new ConcurrentQueue<Block>[threads];
        for (int t = 0; t < threads; t++)
            queues[t] = new ConcurrentQueue<Block>();
        nuint threshold = CfaMalloc.MmapThreshold;
        int stop = 0;
        var counts = new long[threads][];
        var sw = Stopwatch.StartNew();
        var workers = new Thread[threads];
        for (int t = 0; t < threads; t++)
        {
            int me = t;
            counts[me] = new long[16];
            workers[t] = new Thread(() =>
            {
                try
                {
                    Worker(me, operationsPerThread, seed * 7919 + me, maxLivePerThread, threshold, queues, counts[me], result, ref stop, checkHeap);
                }
                catch (Exception e)
                {
                    AddError(result, $"worker {me} threw {e}");
                    Volatile.Write(ref stop, 1);
                }
            }, 16 << 20);
            workers[t].Start();
        }
        foreach (var w in workers)
            w.Join();
        // Whatever is still in the queue is freed here, by the main thread.
        foreach (var queue in queues)
        {
            while (queue.TryDequeue(out var b))
            {
                if (Verify(in b, result, "final drain"))
                {
                    CfaMalloc.Free((void*)b.P);
                    result.Frees++;
                }
            }
        }
        sw.Stop();
        result.Elapsed = sw.Elapsed;
        foreach (var c in counts)
        {
            result.Mallocs += c[0];
            result.Callocs += c[1];
            result.Memaligns += c[2];
            result.Aallocs += c[3];
            result.Amemaligns += c[4];
            result.Cmemaligns += c[5];
            result.Reallocs += c[6];
            result.AlignedReallocs += c[12];
            result.Resizes += c[13];
            result.AlignedResizes += c[14];
            result.Frees += c[7];
            result.CrossThreadHeapFrees += c[8];
            result.HandOffs += c[9];
            result.BytesVerified += c[10];
            result.Operations += c[11];
        }
        return result;
    }

    private static bool s_fillUsable = true;
    private static nuint s_threshold;

    private static bool MayBeMapped(nuint size, nuint alignment) => size + alignment + 4096 >= s_threshold;

    private static void AddError(StressResult result, string message)
    {
        if (result.Errors.Count < 40)
            result.Errors.Enqueue(message);
    }

    private static nuint RandomSize(Random rng)
    {
        int r = rng.Next(10000);
        if (r < 9200)
            return (nuint)rng.Next(1, 513);
        if (r < 9950)
            return (nuint)rng.Next(513, 16 * 1024 + 1);
        if (r < 9995)
            return (nuint)rng.Next(16 * 1024 + 1, 256 * 1024 + 1);
        return (nuint)rng.Next(256 * 1024 + 1, 4 * 1024 * 1024 + 1);
    }

    private static bool IsHeapBlock(in Block b, nuint threshold) => !b.MaybeMapped && b.Size + b.Alignment + 4096 < threshold;

    private static bool Verify(in Block b, StressResult result, string when)
    {
        if (CfaMalloc.MallocAlignment((void*)b.P) != b.Alignment || CfaMalloc.MallocZeroFill((void*)b.P) != b.Zero || CfaMalloc.MallocSize((void*)b.P) != b.Size)
        {
            AddError(result, $"{when}: block 0x{b.P:x} reports alignment {CfaMalloc.MallocAlignment((void*)b.P)}, zero fill {CfaMalloc.MallocZeroFill((void*)b.P)}, size {CfaMalloc.MallocSize((void*)b.P)}; expected {b.Alignment}, {b.Zero}, {b.Size}");
            return false;
        }
        long bad = Pattern.Check((void*)b.P, b.Usable, b.Seed);
        if (bad >= 0)
        {
            AddError(result, $"{when}: block 0x{b.P:x} size {b.Size} usable {b.Usable} corrupted at byte {bad}");
            return false;
        }
        return true;
    }

    private static void Refill(ref Block b)
    {
        b.Usable = s_fillUsable ? CfaMalloc.MallocUsableSize((void*)b.P) : b.Size;
        b.Seed = Pattern.SeedFor((void*)b.P, b.Size);
        Pattern.Fill((void*)b.P, b.Usable, b.Seed);
    }

    /// <summary>Operations between two heap checks of a worker (<see cref="Run"/>'s checkHeap).</summary>
    public const int CheckEvery = 20_000;

    private static void Worker(int me, int operations, int seed, int maxLive, nuint threshold,
        ConcurrentQueue<Block>[] queues, long[] c, StressResult result, ref int stop, Func<string?>? checkHeap)
    {
        var rng = new Random(seed);
        var live = new List<Block>(maxLive + 8);
        for (int op = 0; op < operations && Volatile.Read(ref stop) == 0; op++)
        {
            c[11]++;
            if (checkHeap != null && op % CheckEvery == CheckEvery - 1 && checkHeap() is string broken)
                AddError(result, $"worker {me}, operation {op}: {broken}");
            int r = live.Count < 8 ? 0 : rng.Next(100);
            if (live.Count > maxLive)
                r = 40;
            if (r < 38)
            {
                var b = Allocate(me, rng, c, result);
                if (b.P == 0)
                {
                    Volatile.Write(ref stop, 1);
                    return;
                }
                live.Add(b);
            }
            else if (r < 60)
            {
                FreeOwn(live, rng.Next(live.Count), me, threshold, c, result, ref stop);
            }
            else if (r < 72)
            {
                int i = rng.Next(live.Count);
                var b = live[i];
                if (!Realloc(ref b, me, rng, c, result))
                {
                    Volatile.Write(ref stop, 1);
                    return;
                }
                live[i] = b;
            }
            else if (r < 84)
            {
                int i = rng.Next(live.Count);
                int to = queues.Length == 1 ? 0 : (me + 1 + rng.Next(queues.Length - 1)) % queues.Length;
                queues[to].Enqueue(live[i]);
                live[i] = live[^1];
                live.RemoveAt(live.Count - 1);
                c[9]++;
            }
            else
            {
                if (!queues[me].TryDequeue(out var b))
                {
                    FreeOwn(live, rng.Next(live.Count), me, threshold, c, result, ref stop);
                    continue;
                }
                if (IsHeapBlock(in b, threshold) && CfaMalloc.MallocRemote((void*)b.P) != (b.Owner != me))
                    AddError(result, $"MallocRemote(0x{b.P:x}) on worker {me} = {CfaMalloc.MallocRemote((void*)b.P)}, block allocated by worker {b.Owner}");
                if (rng.Next(2) == 0)
                {
                    live.Add(b);
                    FreeOwn(live, live.Count - 1, me, threshold, c, result, ref stop);
                }
                else
                {
                    if (!Realloc(ref b, me, rng, c, result))
                    {
                        Volatile.Write(ref stop, 1);
                        return;
                    }
                    live.Add(b);
                }
            }
        }
        for (int i = live.Count - 1; i >= 0; i--)
            FreeOwn(live, i, me, threshold, c, result, ref stop);
        if (checkHeap?.Invoke() is string end)
            AddError(result, $"worker {me}, at the end: {end}");
    }

    private static void FreeOwn(List<Block> live, int i, int me, nuint threshold, long[] c, StressResult result, ref int stop)
    {
        var b = live[i];
        live[i] = live[^1];
        live.RemoveAt(live.Count - 1);
        c[10] += (long)b.Usable;
        if (!Verify(in b, result, $"free on worker {me}"))
        {
            Volatile.Write(ref stop, 1);
            return; // a corrupted block is left alone
        }
        if (b.Owner != me && IsHeapBlock(in b, threshold))
            c[8]++;
        CfaMalloc.Free((void*)b.P);
        c[7]++;
    }

    private static Block Allocate(int me, Random rng, long[] c, StressResult result)
    {
        nuint size = RandomSize(rng);
        nuint alignment = 16;
        bool zero = false;
        void* p;
        int kind = rng.Next(100);
        if (kind < 55)
        {
            p = CfaMalloc.Malloc(size);
            c[0]++;
        }
        else if (kind < 67)
        {
            nuint count = (nuint)rng.Next(1, 9);
            size = Math.Max(1, size / count) * count;
            p = CfaMalloc.Calloc(count, size / count);
            zero = true;
            c[1]++;
        }
        else if (kind < 85)
        {
            alignment = (nuint)16 << rng.Next(0, rng.Next(100) == 0 ? 13 : 9);
            int which = rng.Next(3);
            if (which == 0)
            {
                p = CfaMalloc.Memalign(alignment, size);
            }
            else if (which == 1)
            {
                p = CfaMalloc.AlignedAlloc(alignment, size);
            }
            else
            {
                void* q = null;
                int rc = CfaMalloc.PosixMemalign(&q, alignment, size);
                if (rc != 0)
                    AddError(result, $"PosixMemalign({alignment}, {size}) = {rc}");
                p = q;
            }
            c[2]++;
        }
        else if (kind < 90)
        {
            nuint count = (nuint)rng.Next(1, 9);
            size = Math.Max(1, size / count) * count;
            p = CfaMalloc.Aalloc(count, size / count);
            c[3]++;
        }
        else if (kind < 95)
        {
            alignment = (nuint)16 << rng.Next(0, 9);
            nuint count = (nuint)rng.Next(1, 9);
            size = Math.Max(1, size / count) * count;
            p = CfaMalloc.Amemalign(alignment, count, size / count);
            c[4]++;
        }
        else
        {
            alignment = (nuint)16 << rng.Next(0, 9);
            nuint count = (nuint)rng.Next(1, 9);
            size = Math.Max(1, size / count) * count;
            p = CfaMalloc.Cmemalign(alignment, count, size / count);
            zero = true;
            c[5]++;
        }
        if (p == null)
        {
            AddError(result, $"allocation of {size} bytes (alignment {alignment}) returned null, LastError {CfaMalloc.LastError}");
            return default;
        }
        if ((nuint)p % alignment != 0)
            AddError(result, $"0x{(nint)p:x} is not aligned to {alignment}");
        if (zero)
        {
            long at = Pattern.CheckByte(p, size, 0);
            if (at >= 0)
                AddError(result, $"zero-filled block 0x{(nint)p:x} of {size} bytes has a non-zero byte at {at}");
        }
        var b = new Block { P = (nint)p, Size = size, Owner = me, Alignment = alignment, Zero = zero, MaybeMapped = MayBeMapped(size, alignment) };
        if (CfaMalloc.MallocUsableSize(p) < size)
            AddError(result, $"usable size {CfaMalloc.MallocUsableSize(p)} < request {size}");
        Refill(ref b);
        return b;
    }

    private static bool Realloc(ref Block b, int me, Random rng, long[] c, StressResult result)
    {
        if (!Verify(in b, result, $"realloc on worker {me}"))
            return false;
        c[10] += (long)b.Usable;
        nuint newSize = rng.Next(3) switch
        {
            0 => Math.Max(1, b.Size / 2),
            1 => b.Size + (nuint)rng.Next(1, 64),
            _ => RandomSize(rng),
        };
        // Mostly Realloc; also AlignedRealloc (copies, keeps zero fill, new alignment), Resize
        // (no copy, nothing sticky) and AlignedResize (no copy, only the new alignment).
        int kind = rng.Next(100);
        nuint alignment = kind < 70 ? b.Alignment : kind < 85 || kind >= 95 ? (nuint)16 << rng.Next(0, 8) : 16;
        bool copies = kind < 85;
        bool zero = copies && b.Zero;
        string name = kind < 70 ? "Realloc" : kind < 85 ? "AlignedRealloc" : kind < 95 ? "Resize" : "AlignedResize";
        void* q = kind switch
        {
            < 70 => CfaMalloc.Realloc((void*)b.P, newSize),
            < 85 => CfaMalloc.AlignedRealloc((void*)b.P, alignment, newSize),
            < 95 => CfaMalloc.Resize((void*)b.P, newSize),
            _ => CfaMalloc.AlignedResize((void*)b.P, alignment, newSize),
        };
        c[kind < 70 ? 6 : kind < 85 ? 12 : kind < 95 ? 13 : 14]++;
        if (q == null)
        {
            AddError(result, $"{name}(0x{b.P:x}, {newSize}) returned null, LastError {CfaMalloc.LastError}");
            return false;
        }
        if (copies)
        {
            nuint keep = Math.Min(b.Size, newSize);
            // The preserved prefix still holds the old block's pattern.
            long bad = Pattern.Check(q, keep, b.Seed);
            if (bad >= 0)
            {
                AddError(result, $"{name}(0x{b.P:x}, {b.Size} -> {newSize}) = 0x{(nint)q:x}: preserved prefix differs at byte {bad}");
                return false;
            }
            if (zero && newSize > b.Size)
            {
                long at = Pattern.CheckByte((byte*)q + b.Size, newSize - b.Size, 0);
                if (at >= 0)
                    AddError(result, $"{name} of zero-filled 0x{b.P:x} {b.Size} -> {newSize}: grown tail byte {(long)b.Size + at} not zero");
            }
        }
        if ((nuint)q % alignment != 0)
            AddError(result, $"{name} to alignment {alignment}: 0x{(nint)q:x} is not aligned");
        if (CfaMalloc.MallocAlignment(q) != alignment)
            AddError(result, $"{name}: MallocAlignment {CfaMalloc.MallocAlignment(q)}, expected {alignment}");
        if (CfaMalloc.MallocZeroFill(q) != zero)
            AddError(result, $"{name}: MallocZeroFill {CfaMalloc.MallocZeroFill(q)}, expected {zero}");
        if (CfaMalloc.MallocSize(q) != newSize)
            AddError(result, $"{name}: MallocSize {CfaMalloc.MallocSize(q)}, expected {newSize}");
        if (q != (void*)b.P)
        {
            b.Owner = me;
            b.MaybeMapped = MayBeMapped(newSize, alignment);
        }
        else
        {
            // A mapped block that shrinks in place stays mapped.
            b.MaybeMapped |= MayBeMapped(newSize, alignment);
        }
        b.P = (nint)q;
        b.Size = newSize;
        b.Alignment = alignment;
        b.Zero = zero;
        Refill(ref b);
        return true;
    }
}
