// The tight malloc-write-free pair as a function of where its block lies within a 4 KiB page (issue 19's layout
// question: is the pair's time layout-dependent, e.g. through 4 KiB aliasing between the block's header and its
// bucket's free-list head, which the fast path stores to and loads from on every call?).
//
// For one size, the program allocates enough blocks to cover every 16-byte-aligned offset a block of that size can
// take within a page, twice. For each block B (in an order shuffled per round) it frees B, so that B heads its
// bucket's free list (LIFO), and times `p = Malloc(size); *p = 1; Free(p)`, which then takes and returns B on every
// call (checked: p == B each time), then allocates B back. Every block is timed in each round; the output is one line
// per block: its header's offset within its page, and the minimum over the rounds of the ns per pair.
//
// A heap's buckets lie at a fixed offset in its region, which is aligned to at least 4 KiB (ThreadHeap: bucket i at
// 512 + 64 i bytes), so the bucket's free-list head sits at the same page offset in every heap: the table shows
// whether any block offset against it is slow.
//
//   scripts/ab/layout/run.sh [SIZE...]      (taskset -c 0; 2,000,000 pairs per block and round, 5 rounds)
using System.Diagnostics;
using Workbench.Allocator;

if (args.Length > 0 && args[0] == "sizes")
    return Experiment.Sizes([.. args[1].Split(',').Select(a => (nuint)int.Parse(a, System.Globalization.CultureInfo.InvariantCulture))]);
int size = args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 16;
long pairs = args.Length > 1 ? long.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 2_000_000;
int rounds = args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 5;
return Experiment.Run((nuint)size, pairs, rounds);

internal static unsafe class Experiment
{
    public static int Run(nuint size, long pairs, int rounds)
    {
        CfaMalloc.Precompile();
        // Blocks of one size class are carved one after another, stride bytes apart (the usable size plus the 16-byte
        // header), so they take 4096 / gcd(stride, 4096) offsets within a page: twice that many blocks, and 64 more,
        // cover each offset at least twice.
        nuint stride = CfaMalloc.MallocUsableSize(CfaMalloc.Malloc(size)) + 16;
        int count = (int)(2 * 4096 / (long)System.Numerics.BigInteger.GreatestCommonDivisor(stride, 4096) + 64);
        var blocks = new nint[count];
        for (int i = 0; i < count; i++)
            blocks[i] = (nint)CfaMalloc.Malloc(size);
        var best = new double[count];
        Array.Fill(best, double.MaxValue);
        var random = new Random(19);
        for (int r = 0; r < rounds; r++)
        {
            int[] order = [.. Enumerable.Range(0, count).OrderBy(_ => random.Next())];
            foreach (int i in order)
            {
                CfaMalloc.Free((void*)blocks[i]);
                double ns = Tight(size, pairs, blocks[i]);
                if (ns < 0)
                {
                    Console.Error.WriteLine($"layout: the pair did not take the block at 0x{blocks[i]:x} back: the free list is not LIFO");
                    return 1;
                }
                best[i] = Math.Min(best[i], ns);
                if ((nint)CfaMalloc.Malloc(size) != blocks[i])
                {
                    Console.Error.WriteLine("layout: malloc did not return the block just freed");
                    return 1;
                }
            }
        }
        Console.WriteLine($"# size {size}, stride {stride}, {count} blocks, {pairs} pairs per block and round, min of {rounds} rounds");
        Console.WriteLine("header_page_offset,ns_per_pair");
        foreach (int i in Enumerable.Range(0, count).OrderBy(i => (blocks[i] - 16) & 4095))
            Console.WriteLine($"{(blocks[i] - 16) & 4095},{best[i]:F3}");
        foreach (nint p in blocks)
            CfaMalloc.Free((void*)p);
        return 0;
    }

    /// <summary>
    /// The second question: is a process fast or slow as a whole, and for every size alike, and what does the loop's own
    /// shape do? For each size, the pair on 8 blocks (1,000,000 pairs each, 3 rounds, minimum per block), in two loops:
    /// <see cref="Tight"/>, whose pair before the clock starts lets the JIT read the thread-static heap slot once before
    /// the loop, and <see cref="TightAsTheBenchmark"/>, which touches the allocator first inside the loop as the speed
    /// benchmark's does. One line per process, "size:first/second" medians in ns per pair; the script runs it in many
    /// processes and under each tiering setting.
    /// </summary>
    public static int Sizes(nuint[] sizes)
    {
        CfaMalloc.Precompile();
        var line = new List<string>();
        foreach (nuint size in sizes)
        {
            var blocks = new nint[8];
            for (int i = 0; i < blocks.Length; i++)
                blocks[i] = (nint)CfaMalloc.Malloc(size);
            var best = new double[2, blocks.Length];
            for (int i = 0; i < blocks.Length; i++)
                best[0, i] = best[1, i] = double.MaxValue;
            for (int r = 0; r < 3; r++)
            {
                for (int shape = 0; shape < 2; shape++)
                {
                    for (int i = 0; i < blocks.Length; i++)
                    {
                        CfaMalloc.Free((void*)blocks[i]);
                        double ns = shape == 0 ? Tight(size, 1_000_000, blocks[i]) : TightAsTheBenchmark(size, 1_000_000, blocks[i]);
                        if (ns < 0 || (nint)CfaMalloc.Malloc(size) != blocks[i])
                        {
                            Console.Error.WriteLine("layout: the free list is not LIFO");
                            return 1;
                        }
                        best[shape, i] = Math.Min(best[shape, i], ns);
                    }
                }
            }
            double Median(int shape)
            {
                double[] v = [.. Enumerable.Range(0, blocks.Length).Select(i => best[shape, i]).Order()];
                return v[v.Length / 2];
            }
            line.Add($"{size}:{Median(0):F2}/{Median(1):F2}");
            foreach (nint p in blocks)
                CfaMalloc.Free((void*)p);
        }
        Console.WriteLine(string.Join(' ', line));
        return 0;
    }

    /// <summary>
    /// The pair's loop with nothing of the allocator before it, as SpeedChains.Tight has; ns per pair, -1 when the loop's
    /// last malloc returned another block than <paramref name="expected"/>.
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static double TightAsTheBenchmark(nuint size, long pairs, nint expected)
    {
        byte* p = null;
        long start = Stopwatch.GetTimestamp();
        for (long i = 0; i < pairs; i++)
        {
            p = (byte*)CfaMalloc.Malloc(size);
            *p = 1;
            CfaMalloc.Free(p);
        }
        double ns = Stopwatch.GetElapsedTime(start).TotalNanoseconds / pairs;
        return (nint)p == expected ? ns : -1;
    }

    /// <summary>ns per malloc-write-free pair; -1 when a malloc returned another block than <paramref name="expected"/>.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static double Tight(nuint size, long pairs, nint expected)
    {
        byte* first = (byte*)CfaMalloc.Malloc(size);
        *first = 1;
        CfaMalloc.Free(first);
        if ((nint)first != expected)
            return -1;
        long start = Stopwatch.GetTimestamp();
        for (long i = 0; i < pairs; i++)
        {
            byte* p = (byte*)CfaMalloc.Malloc(size);
            *p = 1;
            CfaMalloc.Free(p);
        }
        return Stopwatch.GetElapsedTime(start).TotalNanoseconds / pairs;
    }
}
