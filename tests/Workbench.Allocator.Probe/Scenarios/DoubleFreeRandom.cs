using Workbench.Allocator.Testing;
using static Workbench.Allocator.Probe.Report;

namespace Workbench.Allocator.Probe.Scenarios;

/// <summary>
/// Double frees among live blocks, as a program makes them: 256 live blocks of sizes across the size classes (plain and
/// aligned), each filled with its own pattern; in each of 60 rounds one block is freed, a few others are freed, and the
/// first is freed again, on this thread or another (20 rounds each way of the first or the second free on another
/// thread). Reports how many second frees raised <see cref="HeapCorruptionException"/> with the problem DoubleFree at
/// the block's address, what the others did, whether every live block kept its pattern, and whether later blocks are
/// all distinct.
/// </summary>
internal static unsafe class DoubleFreeRandom
{
    private const int Live = 256;
    private const int Rounds = 60;

    public static void Run()
    {
        Put("IS_CHECKED", CfaMalloc.IsChecked);
        var random = new Random(20_261_204);
        var blocks = new nint[Live];
        var sizes = new nuint[Live];
        for (int i = 0; i < Live; i++)
            Replace(blocks, sizes, i, random);
        int detected = 0;
        var missed = new List<string>();
        for (int round = 0; round < Rounds; round++)
        {
            int victim = random.Next(Live);
            nint p = blocks[victim];
            FreeOn(round % 3 == 1, p);
            // Other frees between the two, and their blocks replaced: none of them may be the victim's block again
            // before the second free, or the second free would be a good one; so the victim's slot is refilled last.
            int others = random.Next(4);
            var freed = new List<int>();
            for (int k = 0; k < others; k++)
            {
                int j = random.Next(Live);
                if (j == victim || freed.Contains(j))
                    continue;
                CfaMalloc.Free((void*)blocks[j]);
                freed.Add(j);
            }
            string outcome = SecondFree(round % 3 == 2, p);
            if (outcome == "DoubleFree@ok")
                detected++;
            else
                missed.Add($"{round}:{outcome}");
            foreach (int j in freed)
                Replace(blocks, sizes, j, random);
            Replace(blocks, sizes, victim, random);
        }
        Put("ROUNDS", Rounds);
        Put("DETECTED", detected);
        Put("MISSED", missed.Count == 0 ? "none" : string.Join(' ', missed));
        int corrupt = 0;
        for (int i = 0; i < Live; i++)
            corrupt += Pattern.Check((void*)blocks[i], sizes[i], Pattern.SeedFor((void*)blocks[i], sizes[i])) < 0 ? 0 : 1;
        Put("CORRUPT", corrupt);
        // The heap still hands out each block once: 256 more blocks, all distinct from each other and the live ones.
        var seen = new HashSet<nint>(blocks);
        var more = new nint[Live];
        bool distinct = true;
        for (int i = 0; i < Live; i++)
        {
            more[i] = (nint)CfaMalloc.Malloc(sizes[i]);
            distinct &= more[i] != 0 && seen.Add(more[i]);
        }
        Put("DISTINCT", distinct);
        foreach (nint p in more)
            CfaMalloc.Free((void*)p);
        foreach (nint p in blocks)
            CfaMalloc.Free((void*)p);
        Put("AFTER", "ok");
    }

    /// <summary>A new block in slot <paramref name="i"/>: a size from 1 byte to 16 KiB, one in four aligned to 64 to 4096.</summary>
    private static void Replace(nint[] blocks, nuint[] sizes, int i, Random random)
    {
        nuint size = (nuint)random.Next(1, 1 << random.Next(5, 15));
        void* p = random.Next(4) == 0 ? CfaMalloc.Memalign((nuint)1 << random.Next(6, 13), size) : CfaMalloc.Malloc(size);
        Pattern.Fill(p, size, Pattern.SeedFor(p, size));
        blocks[i] = (nint)p;
        sizes[i] = size;
    }

    private static void FreeOn(bool otherThread, nint p)
    {
        if (!otherThread)
        {
            CfaMalloc.Free((void*)p);
            return;
        }
        var t = new Thread(() => CfaMalloc.Free((void*)p));
        t.Start();
        t.Join();
    }

    /// <summary>The second free, as PROBLEM@ADDRESS-CHECK ("DoubleFree@ok" when reported right), or what happened instead.</summary>
    private static string SecondFree(bool otherThread, nint p)
    {
        string outcome = "none";
        void Attempt()
        {
            try
            {
                CfaMalloc.Free((void*)p);
            }
            catch (HeapCorruptionException e)
            {
                outcome = $"{e.Problem}@{(e.Address == (nuint)p ? "ok" : Hex((nint)e.Address))}";
            }
            catch (Exception e)
            {
                outcome = e.GetType().Name;
            }
        }
        if (!otherThread)
        {
            Attempt();
            return outcome;
        }
        var t = new Thread(Attempt);
        t.Start();
        t.Join();
        return outcome;
    }
}
