using Workbench.Allocator.Testing;

namespace Workbench.Allocator.Tests;

/// <summary>Request sizes and usable sizes across all buckets; neighbours are never touched.</summary>
public unsafe class SizeClassTests
{
    /// <summary>
    /// Remote frees find a bucket's heap, size class and block size from its address alone (its line is its
    /// owner's): on several threads' heaps, for every size class, the address arithmetic agrees with the
    /// bucket's own fields, and a block's usable size follows.
    /// </summary>
    [Fact]
    public void EveryBucketsHeapIndexAndBlockSize_FollowFromItsAddress()
    {
        var failures = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var threads = new Thread[3];
        for (int t = 0; t < threads.Length; t++)
        {
            threads[t] = new Thread(() =>
            {
                CfaMalloc.Free(CfaMalloc.Malloc(1));
                ThreadHeap* heap = CurrentHeap.Heap;
                if ((nuint)heap % ThreadHeap.Alignment != 0)
                    failures.Enqueue($"heap 0x{(nuint)heap:x} is not aligned to {ThreadHeap.Alignment}");
                for (int i = 0; i < SizeClasses.s_count; i++)
                {
                    Bucket* b = ThreadHeap.BucketOf(heap, i);
                    if (ThreadHeap.HeapOf(b) != heap || ThreadHeap.IndexOf(b) != i || SizeClasses.BlockSize(ThreadHeap.IndexOf(b)) != b->BlockSize)
                        failures.Enqueue($"bucket {i} of heap 0x{(nuint)heap:x}: address gives heap 0x{(nuint)ThreadHeap.HeapOf(b):x}, index {ThreadHeap.IndexOf(b)}");
                }
                nuint size = 3000;
                void* p = CfaMalloc.Malloc(size);
                BlockHeader* real = BlockHeader.RealOf(p);
                if (real->BlockBytes != real->OwnerBucket->BlockSize || CfaMalloc.MallocUsableSize(p) < size)
                    failures.Enqueue($"block of {size}: {real->BlockBytes} block bytes, bucket says {real->OwnerBucket->BlockSize}");
                CfaMalloc.Free(p);
            });
            threads[t].Start();
        }
        foreach (Thread thread in threads)
            thread.Join();
        Assert.True(failures.IsEmpty, string.Join("\n", failures));
        Assert.True(ThreadHeap.Alignment >= ThreadHeap.Span && System.Numerics.BitOperations.IsPow2(ThreadHeap.Alignment));
    }

    [Fact]
    public void BucketList_FromTheContract_IsSane()
    {
        var buckets = Support.Buckets();
        Assert.Equal((nuint)16, buckets[0]);
        Assert.Equal((nuint)4 * 1024 * 1024, buckets[^1]);
        Assert.Contains((nuint)160, buckets);
        Assert.Contains((nuint)320, buckets);
        Assert.Contains((nuint)4608, buckets);
        for (int i = 1; i < buckets.Count; i++)
            Assert.True(buckets[i] > buckets[i - 1] && buckets[i] % 16 == 0);
    }

    [Fact]
    public void UsableSize_IsTheBucketPayload_BelowTheMmapThreshold()
    {
        nuint threshold = CfaMalloc.MmapThreshold;
        var failures = new List<string>();
        nuint prev = 0;
        foreach (nuint b in Support.Buckets())
        {
            if (b >= threshold)
                break;
            foreach (nuint n in new[] { prev + 1, (prev + b) / 2 + 1, b })
            {
                void* p = CfaMalloc.Malloc(n);
                Support.NotNull(p, $"Malloc({n})");
                nuint usable = CfaMalloc.MallocUsableSize(p);
                if (usable != b)
                    failures.Add($"Malloc({n}): usable {usable}, bucket {b}");
                CfaMalloc.Free(p);
            }
            prev = b;
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures.Take(30)));
    }

    [Fact]
    public void MultiplesOfSixteenUpTo128AndPowersOfTwo_HaveNoWaste()
    {
        nuint threshold = CfaMalloc.MmapThreshold;
        var sizes = new List<nuint>();
        for (nuint s = 16; s <= 128; s += 16)
            sizes.Add(s);
        for (nuint s = 256; s < threshold; s *= 2)
            sizes.Add(s);
        foreach (nuint n in sizes)
        {
            void* p = CfaMalloc.Malloc(n);
            Support.NotNull(p, $"Malloc({n})");
            Assert.True(CfaMalloc.MallocUsableSize(p) == n, $"Malloc({n}): usable {CfaMalloc.MallocUsableSize(p)}, expected exactly {n} (no waste)");
            CfaMalloc.Free(p);
        }
    }

    [Fact]
    public void UsableSize_IsTheBucketPayload_UpTo4MiBWithTheThresholdRaised()
    {
        nuint old = CfaMalloc.MmapThreshold;
        Assert.Equal(1, CfaMalloc.Mallopt(CfaMalloc.M_MMAP_THRESHOLD, 4 * 1024 * 1024));
        try
        {
            var failures = new List<string>();
            nuint prev = 0;
            foreach (nuint b in Support.Buckets())
            {
                if (b >= 4 * 1024 * 1024)
                    break;
                if (b > 256 * 1024)
                {
                    foreach (nuint n in new[] { prev + 1, b })
                    {
                        void* p = CfaMalloc.Malloc(n);
                        Support.NotNull(p, $"Malloc({n})");
                        nuint usable = CfaMalloc.MallocUsableSize(p);
                        if (usable != b)
                            failures.Add($"Malloc({n}): usable {usable}, bucket {b}");
                        CfaMalloc.Free(p);
                    }
                }
                prev = b;
            }
            Assert.True(failures.Count == 0, string.Join("\n", failures));
        }
        finally
        {
            Assert.Equal(1, CfaMalloc.Mallopt(CfaMalloc.M_MMAP_THRESHOLD, (int)old));
        }
    }

    [Fact]
    public void EveryBucket_WritingTheWholeUsableSizeLeavesNeighboursIntact()
    {
        nuint prev = 0;
        foreach (nuint b in Support.Buckets())
        {
            foreach (nuint n in new[] { prev + 1, b })
            {
                // Three blocks of one size sit next to each other in the bucket's area.
                var blocks = new nint[3];
                var seeds = new ulong[3];
                for (int i = 0; i < 3; i++)
                {
                    void* p = CfaMalloc.Malloc(n);
                    Support.NotNull(p, $"Malloc({n})");
                    Assert.Equal(n, CfaMalloc.MallocSize(p));
                    Assert.True(CfaMalloc.MallocUsableSize(p) >= n, $"Malloc({n}): usable {CfaMalloc.MallocUsableSize(p)}");
                    blocks[i] = (nint)p;
                }
                for (int i = 0; i < 3; i++)
                    seeds[i] = Support.FillUsable((void*)blocks[i]);
                for (int i = 0; i < 3; i++)
                {
                    void* p = (void*)blocks[i];
                    Support.AssertPattern(p, CfaMalloc.MallocUsableSize(p), seeds[i], $"block {i} of three of {n} bytes");
                    Assert.Equal(n, CfaMalloc.MallocSize(p));
                }
                foreach (nint p in blocks)
                    CfaMalloc.Free((void*)p);
            }
            prev = b;
        }
    }

    [Fact]
    public void MixedSizes_WrittenToTheirUsableSize_DoNotOverlap()
    {
        var rng = new Random(11);
        var live = new List<(nint P, ulong Seed, nuint Usable, nuint Size)>();
        for (int i = 0; i < 4000; i++)
        {
            nuint n = (nuint)(rng.Next(4) == 0 ? rng.Next(1, 70_000) : rng.Next(1, 600));
            void* p = CfaMalloc.Malloc(n);
            Support.NotNull(p, $"Malloc({n})");
            live.Add(((nint)p, Support.FillUsable(p), CfaMalloc.MallocUsableSize(p), n));
            if (rng.Next(3) == 0)
            {
                int k = rng.Next(live.Count);
                var v = live[k];
                Support.AssertPattern((void*)v.P, v.Usable, v.Seed, $"block of {v.Size} bytes");
                CfaMalloc.Free((void*)v.P);
                live[k] = live[^1];
                live.RemoveAt(live.Count - 1);
            }
        }
        foreach (var v in live)
        {
            Support.AssertPattern((void*)v.P, v.Usable, v.Seed, $"block of {v.Size} bytes");
            Assert.Equal(v.Size, CfaMalloc.MallocSize((void*)v.P));
            CfaMalloc.Free((void*)v.P);
        }
    }
}
