using Workbench.Allocator.Testing;

namespace Workbench.Allocator.Tests;

/// <summary>Ownership (the default policy, in this process): remote frees go back to the owner.</summary>
public unsafe class OwnershipTests
{
    [Fact]
    public void Ownership_IsOnByDefault()
    {
        Assert.True(CfaMalloc.HasOwnership, "the test process runs with the default policy (ownership on)");
    }

    [Fact]
    public void Configure_AfterTheAllocatorStarted_Throws()
    {
        CfaMalloc.Free(CfaMalloc.Malloc(1));
        Assert.Throws<InvalidOperationException>(() => CfaMalloc.Configure(new AllocatorOptions()));
        Assert.Throws<InvalidOperationException>(() => CfaMalloc.Configure(new AllocatorOptions { Checked = true }));
        Assert.False(CfaMalloc.IsChecked && Environment.GetEnvironmentVariable("CFA_MALLOC_CHECKED") != "1", "a rejected Configure must not switch checked mode on");
    }

    [Fact]
    public void AllocatorOptions_HaveTheDocumentedDefaults()
    {
        var o = new AllocatorOptions();
        Assert.True(o.Ownership);
        Assert.False(o.Checked);
        Assert.Equal((nuint)512 * 1024, o.MmapThreshold);
        Assert.Equal((nuint)10 * 1024 * 1024, o.Extension);
    }

    [Fact]
    public void MallocRemote_IsTrueOnlyOnAThreadOtherThanTheOwner()
    {
        nint p = 0;
        Support.OnThread(() =>
        {
            p = (nint)CfaMalloc.Malloc(100);
            Assert.False(CfaMalloc.MallocRemote((void*)p), "the owner's own block is not remote");
        });
        Assert.True(CfaMalloc.MallocRemote((void*)p), "a block of another thread's heap is remote");
        void* mine = CfaMalloc.Malloc(100);
        Assert.False(CfaMalloc.MallocRemote(mine));
        CfaMalloc.Free(mine);
        CfaMalloc.Free((void*)p);
    }

    [Fact]
    public void RemoteFrees_GoBackToTheOwner_AndTheOwnerPullsThem()
    {
        Assert.True(CfaMalloc.HasOwnership);
        const int N = 100;
        const nuint Size = 3000;
        var blocks = new nint[N];
        using var allocated = new ManualResetEventSlim();
        using var freed = new ManualResetEventSlim();
        int reclaimed = -1;
        long pullsDelta = -1;
        Exception? ownerFailure = null;
        var owner = new Thread(() =>
        {
            try
            {
                for (int i = 0; i < N; i++)
                {
                    blocks[i] = (nint)CfaMalloc.Malloc(Size);
                    Pattern.FillByte((void*)blocks[i], Size, 0x3A);
                }
                allocated.Set();
                freed.Wait();
                // The owner allocates the same size until its own list runs dry and it takes
                // the remote list: the blocks freed by the other thread come back.
                var set = blocks.ToHashSet();
                var s0 = CfaMalloc.GetStatistics();
                var got = new List<nint>();
                int back = 0;
                for (int i = 0; i < 20_000 && back < N; i++)
                {
                    nint q = (nint)CfaMalloc.Malloc(Size);
                    got.Add(q);
                    if (set.Contains(q))
                        back++;
                }
                var s1 = CfaMalloc.GetStatistics();
                reclaimed = back;
                pullsDelta = s1.RemotePulls - s0.RemotePulls;
                foreach (nint q in got)
                    CfaMalloc.Free((void*)q);
            }
            catch (Exception e)
            {
                ownerFailure = e;
                allocated.Set();
            }
        });
        owner.Start();
        allocated.Wait();
        Assert.Null(ownerFailure);
        var set = blocks.ToHashSet();
        Support.OnThread(() =>
        {
            Assert.All(blocks, b => Assert.True(CfaMalloc.MallocRemote((void*)b)));
            var s0 = CfaMalloc.GetStatistics();
            foreach (nint b in blocks)
                CfaMalloc.Free((void*)b);
            var s1 = CfaMalloc.GetStatistics();
            Assert.True(s1.RemotePushes - s0.RemotePushes >= N, $"{N} remote frees made {s1.RemotePushes - s0.RemotePushes} remote pushes");
            // The freeing thread did not keep them: its own allocations of that size are other blocks.
            var mine = new nint[N];
            for (int i = 0; i < N; i++)
                mine[i] = (nint)CfaMalloc.Malloc(Size);
            Assert.DoesNotContain(mine, set.Contains);
            foreach (nint m in mine)
                CfaMalloc.Free((void*)m);
        });
        // The freeing thread has exited; once its exit is noticed (its heap's finalizer), the
        // blocks it still held in its remote-free chain go home too.
        GC.Collect();
        GC.WaitForPendingFinalizers();
        freed.Set();
        Assert.True(owner.Join(60_000), "owner thread hung");
        Assert.Null(ownerFailure);
        Assert.True(reclaimed == N, $"the owner got back {reclaimed} of its {N} remotely freed blocks");
        Assert.True(pullsDelta >= 1, $"RemotePulls grew by {pullsDelta}");
    }

    /// <summary>
    /// Blocks freed by a live thread for another heap travel in chains: a few stay with the freeing
    /// thread until its chain fills (64 blocks) or it calls MallocTrim, then all of them go home.
    /// </summary>
    [Fact]
    public void RemoteFrees_TravelInChains_ThatGoHomeWhenFull_OrOnTrim()
    {
        const nuint Size = 48;
        const int Few = 10;
        const int Full = 64;
        var owned = new nint[Few + Full];
        using var ownerAllocated = new ManualResetEventSlim();
        using var fewFreed = new ManualResetEventSlim();
        using var fewChecked = new ManualResetEventSlim();
        using var trimmed = new ManualResetEventSlim();
        using var trimChecked = new ManualResetEventSlim();
        using var fullFreed = new ManualResetEventSlim();
        int backAfterFew = -1, backAfterTrim = -1, backAfterFull = -1;
        Exception? ownerFailure = null;

        // The owner's next allocations of the size, until its free list runs dry and it pulls
        // the remote list: how many of 'wanted' came back.
        static int Reclaim(HashSet<nint> wanted, List<nint> keep)
        {
            int back = 0;
            for (int i = 0; i < 5_000 && back < wanted.Count; i++)
            {
                nint q = (nint)CfaMalloc.Malloc(Size);
                Pattern.FillByte((void*)q, Size, 0x5C);
                keep.Add(q);
                if (wanted.Contains(q))
                    back++;
            }
            return back;
        }

        var owner = new Thread(() =>
        {
            var keep = new List<nint>();
            try
            {
                for (int i = 0; i < owned.Length; i++)
                {
                    owned[i] = (nint)CfaMalloc.Malloc(Size);
                    Pattern.FillByte((void*)owned[i], Size, 0x11);
                }
                ownerAllocated.Set();
                fewFreed.Wait();
                backAfterFew = Reclaim(owned[..Few].ToHashSet(), keep);
                fewChecked.Set();
                trimmed.Wait();
                backAfterTrim = Reclaim(owned[..Few].ToHashSet(), keep);
                trimChecked.Set();
                fullFreed.Wait();
                backAfterFull = Reclaim(owned[Few..].ToHashSet(), keep);
            }
            catch (Exception e)
            {
                ownerFailure = e;
            }
            finally
            {
                ownerAllocated.Set();
                fewChecked.Set();
                trimChecked.Set();
                foreach (nint q in keep)
                    CfaMalloc.Free((void*)q);
            }
        });
        owner.Start();
        Support.OnThread(() =>
        {
            ownerAllocated.Wait();
            for (int i = 0; i < Few; i++)
                CfaMalloc.Free((void*)owned[i]);
            fewFreed.Set();
            fewChecked.Wait();
            CfaMalloc.MallocTrim(0);
            trimmed.Set();
            trimChecked.Wait();
            for (int i = Few; i < owned.Length; i++)
                CfaMalloc.Free((void*)owned[i]);
            fullFreed.Set();
        });
        Assert.True(owner.Join(60_000), "owner thread hung");
        Assert.Null(ownerFailure);
        Assert.True(backAfterFew == 0, $"{backAfterFew} of {Few} blocks went home before the freeing thread's chain was full");
        Assert.True(backAfterTrim == Few, $"after MallocTrim on the freeing thread, {backAfterTrim} of {Few} blocks went home");
        Assert.True(backAfterFull == Full, $"a full chain of {Full} blocks sent {backAfterFull} home");
    }

    [Fact]
    public void FreeingAnotherThreadsMmapedBlock_UnmapsIt() => Support.WithoutMappingCache(() =>
    {
        nint p = 0;
        Support.OnThread(() => p = (nint)CfaMalloc.Malloc(1 << 20));
        var s0 = CfaMalloc.GetStatistics();
        CfaMalloc.Free((void*)p);
        var s1 = CfaMalloc.GetStatistics();
        Assert.Equal(1, s1.MunmapCalls - s0.MunmapCalls);
    });

    [Fact]
    public void AnotherThreadsFreedMapping_GoesToTheSharedCache_AndServesThisThread()
    {
        CfaMalloc.MallocTrim(0);
        nint p = 0;
        Support.OnThread(() => p = (nint)CfaMalloc.Malloc(1 << 20));
        var s0 = CfaMalloc.GetStatistics();
        CfaMalloc.Free((void*)p);
        var s1 = CfaMalloc.GetStatistics();
        Assert.Equal(0, s1.MunmapCalls - s0.MunmapCalls);
        Assert.True(s1.MappingCacheBytes > 1 << 20);
        void* q = CfaMalloc.Malloc(1 << 20);
        Assert.True((nint)q == p, "this thread reuses the mapping another thread's block had");
        Support.FillUsable(q);
        CfaMalloc.Free(q);
    }

    [Fact]
    public void BlocksOfAnExitedThread_CanBeFreedAndReallocatedElsewhere()
    {
        var blocks = new nint[50];
        Support.OnThread(() =>
        {
            for (int i = 0; i < blocks.Length; i++)
            {
                blocks[i] = (nint)CfaMalloc.Malloc((nuint)(16 + i * 40));
                Pattern.Fill((void*)blocks[i], (nuint)(16 + i * 40), Pattern.SeedFor((void*)blocks[i], 1));
            }
        });
        GC.Collect();
        GC.WaitForPendingFinalizers();
        for (int i = 0; i < blocks.Length; i++)
        {
            nuint n = (nuint)(16 + i * 40);
            Support.AssertPattern((void*)blocks[i], n, Pattern.SeedFor((void*)blocks[i], 1), "block of an exited thread");
            ulong seed = Pattern.SeedFor((void*)blocks[i], 1);
            if (i % 2 == 0)
            {
                CfaMalloc.Free((void*)blocks[i]);
            }
            else
            {
                void* q = CfaMalloc.Realloc((void*)blocks[i], n * 3);
                Support.NotNull(q, "Realloc of an exited thread's block");
                Support.AssertPattern(q, n, seed, "moved block of an exited thread");
                CfaMalloc.Free(q);
            }
        }
    }
}
