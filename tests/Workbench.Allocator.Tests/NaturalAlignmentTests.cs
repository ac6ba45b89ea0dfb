using Workbench.Allocator.Testing;

namespace Workbench.Allocator.Tests;

/// <summary>
/// aligned_alloc(64) of up to 8 KiB less the header: a block of a naturally aligned class, its data 64-aligned with no
/// fake header, sticky through realloc, freed by free's fast path, taken into a trimmed extent by MallocTrim from 5 KiB.
/// </summary>
public unsafe class NaturalAlignmentTests
{
    private static IEnumerable<nuint> Requests()
    {
        for (nuint n = 0; n <= 512; n += 16)
            yield return n;
        foreach (nuint n in new nuint[] { 1, 47, 48, 49, 112, 113, 1000, 2032, 2033, 4080, 4096, 5000, 8000, SizeClasses.NaturalLimit })
            yield return n;
    }

    [Fact]
    public void AlignedAlloc64_OfEveryRequestUpToTheLimit_IsANaturallyAlignedBlockWithNoFakeHeader()
    {
        Support.OnOwnThread(() =>
        {
            foreach (nuint n in Requests())
            {
                var p = (byte*)CfaMalloc.AlignedAlloc(64, n);
                Support.NotNull(p, $"AlignedAlloc(64, {n})");
                BlockHeader* header = BlockHeader.Of(p);
                Assert.True((nuint)p % 64 == 0, $"AlignedAlloc(64, {n}) = 0x{(nint)p:x} is not 64-aligned");
                Assert.True((header->Word & BlockHeader.FakeFlag) == 0, $"AlignedAlloc(64, {n}) has a fake header");
                Assert.True(header->IsNatural, $"AlignedAlloc(64, {n}) is not a naturally aligned class's block");
                int index = ThreadHeap.IndexOf(header->OwnerBucket);
                Assert.True(index >= SizeClasses.s_plainCount, $"AlignedAlloc(64, {n}) came from plain class {index}");
                nuint block = SizeClasses.BlockSize(index);
                Assert.True(block % 64 == 0 && block - 16 >= n && (block <= 256 || block - 16 - n < block / 4 + 64),
                    $"AlignedAlloc(64, {n}): a block of {block} B");
                Assert.Equal((nuint)64, CfaMalloc.MallocAlignment(p));
                Assert.Equal(n, CfaMalloc.MallocSize(p));
                Assert.Equal(block - 16, CfaMalloc.MallocUsableSize(p));
                ulong seed = Support.FillUsable(p);
                // Freed by free's fast path onto its bucket, the same block comes back to the next request.
                CfaMalloc.Free(p);
                var again = (byte*)CfaMalloc.AlignedAlloc(64, n);
                Assert.True(again == p, $"AlignedAlloc(64, {n}) after a free returned 0x{(nint)again:x}, not the block freed, 0x{(nint)p:x}");
                seed = Support.FillUsable(again);
                Support.AssertPattern(again, CfaMalloc.MallocUsableSize(again), seed, $"AlignedAlloc(64, {n}) again");
                CfaMalloc.Free(again);
            }
            // Past the limit, and any other alignment, the fake header's layout as before.
            var large = (byte*)CfaMalloc.AlignedAlloc(64, SizeClasses.NaturalLimit + 1);
            Assert.True((BlockHeader.Of(large)->Word & BlockHeader.FakeFlag) != 0 && (nuint)large % 64 == 0);
            CfaMalloc.Free(large);
            var other = (byte*)CfaMalloc.AlignedAlloc(32, 100);
            Assert.True((BlockHeader.Of(other)->Word & BlockHeader.FakeFlag) != 0 && CfaMalloc.MallocAlignment(other) == 32);
            CfaMalloc.Free(other);
        });
    }

    [Fact]
    public void Realloc_KeepsTheAlignmentOfANaturallyAlignedBlock_AcrossTheLimitAndBack()
    {
        Support.OnOwnThread(() =>
        {
            var p = (byte*)CfaMalloc.AlignedAlloc(64, 40);
            for (int i = 0; i < 40; i++)
                p[i] = (byte)(i + 1);
            nuint[] steps = [44, 100, 300, 3000, SizeClasses.NaturalLimit + 500, 9000, 6000, 200, 30];
            nuint kept = 40;
            bool crossed = false;
            foreach (nuint size in steps)
            {
                p = (byte*)CfaMalloc.Realloc(p, size);
                Support.NotNull(p, $"Realloc to {size}");
                Assert.True((nuint)p % 64 == 0, $"Realloc to {size} gave 0x{(nint)p:x}, not 64-aligned");
                Assert.Equal((nuint)64, CfaMalloc.MallocAlignment(p));
                Assert.Equal(size, CfaMalloc.MallocSize(p));
                for (int i = 0; i < (int)Math.Min(kept, 40); i++)
                    Assert.True(p[i] == (byte)(i + 1), $"byte {i} lost by Realloc to {size}");
                // Up to the limit, growing moves between natural classes; past it, a block with a fake header. Back
                // under it the block may stay where it is, fake header and all (realloc's in-place rules).
                crossed |= size > SizeClasses.NaturalLimit;
                if (!crossed || size > SizeClasses.NaturalLimit)
                    Assert.True(BlockHeader.Of(p)->IsNatural == !crossed, $"Realloc to {size}: natural {BlockHeader.Of(p)->IsNatural}");
                kept = Math.Min(kept, size);
            }
            // A new alignment moves the block out of its class; resize drops the alignment.
            p = (byte*)CfaMalloc.AlignedRealloc(p, 128, 30);
            Assert.True((nuint)p % 128 == 0 && CfaMalloc.MallocAlignment(p) == 128 && p[0] == 1);
            CfaMalloc.Free(p);
            var r = (byte*)CfaMalloc.AlignedAlloc(64, 100);
            r = (byte*)CfaMalloc.Resize(r, 50);
            Assert.Equal((nuint)16, CfaMalloc.MallocAlignment(r));
            Assert.False(BlockHeader.Of(r)->IsNatural);
            CfaMalloc.Free(r);
        });
    }

    [Fact]
    public void NaturallyAlignedBlocksFreedByAnotherThread_GoHome_AndKeepTheirClassesAligned()
    {
        const int N = 2000;
        var blocks = new nint[N];
        var sizes = new nuint[N];
        var seeds = new ulong[N];
        var random = new Random(64);
        Support.OnOwnThread(() =>
        {
            for (int i = 0; i < N; i++)
            {
                sizes[i] = (nuint)random.Next(0, (int)SizeClasses.NaturalLimit + 1);
                blocks[i] = (nint)CfaMalloc.AlignedAlloc(64, sizes[i]);
                seeds[i] = Support.FillUsable((void*)blocks[i]);
            }
        });
        // This thread frees them: remote frees, home to the first thread's heap (pooled now that it ended).
        for (int i = 0; i < N; i++)
        {
            Assert.True(blocks[i] % 64 == 0);
            Support.AssertPattern((void*)blocks[i], CfaMalloc.MallocUsableSize((void*)blocks[i]), seeds[i], $"block {i} of {sizes[i]} B");
            CfaMalloc.Free((void*)blocks[i]);
        }
        // Every free list of every class, walked: N1 (and the rest of the invariants) hold.
        using (HeapPool.HeapLock.Hold())
        {
            for (ThreadHeap* h = HeapPool.AllHeaps; h != null; h = h->NextInPool)
            {
                if (!HeapPool.IsOwned(h))
                    Assert.Null(HeapInvariants.Check(h));
            }
        }
    }
}
