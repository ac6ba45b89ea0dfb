using Workbench.Benchmarks.Allocators;

namespace Workbench.Benchmarks.Tests;

/// <summary>
/// The <c>lifo</c> floor: what it reuses, from which list, and that reuse never disturbs the blocks still in use.
/// Each test runs on a thread of its own, so that it starts with empty lists.
/// </summary>
public sealed class LifoAllocatorTests
{
    private static void OnFreshThread(Action body)
    {
        Exception? failure = null;
        Thread thread = new(() =>
        {
            try
            {
                body();
            }
            catch (Exception e)
            {
                failure = e;
            }
        });
        thread.Start();
        thread.Join();
        if (failure is not null)
        {
            throw new Xunit.Sdk.XunitException($"on the test's thread: {failure}");
        }
    }

    [Fact]
    public void AFreedBlockIsReusedLastInFirstOutBySizeClassAndOthersKeepTheirBytes()
    {
        OnFreshThread(() =>
        {
            var lifo = new LifoAllocator();
            Block a = lifo.Malloc(100);
            Block b = lifo.Malloc(100);
            Block neighbour = lifo.Malloc(100);
            neighbour.Fill(0xC3);
            lifo.Free(a);
            lifo.Free(b);
            // 90 B is the 96 B class, 100 B the 112 B class: a block of the other class is not reused.
            Block other = lifo.Malloc(90);
            Assert.NotEqual(a.Address, other.Address);
            Assert.NotEqual(b.Address, other.Address);
            Block first = lifo.Malloc(112);
            Block second = lifo.Malloc(97);
            Assert.Equal(b.Address, first.Address);
            Assert.Equal(a.Address, second.Address);
            first.Fill(0x11);
            second.Fill(0x22);
            other.Fill(0x33);
            for (nuint i = 0; i < neighbour.Size; i++)
            {
                Assert.Equal(0xC3, neighbour.At(i));
            }
            Assert.Equal(0x11, first.At(111));
            Assert.Equal(0x22, second.At(0));
            foreach (Block block in new[] { first, second, other, neighbour })
            {
                lifo.Free(block);
            }
        });
    }

    [Fact]
    public void ABlockFreedByAnotherThreadJoinsThatThreadsList()
    {
        var lifo = new LifoAllocator();
        Block fromA = default;
        nint reusedByB = 0;
        nint nextOfA = 0;
        OnFreshThread(() =>
        {
            fromA = lifo.Malloc(200);
            fromA.Fill(0x7E);
            OnFreshThread(() =>
            {
                Assert.Equal(0x7E, fromA.At(199));
                lifo.Free(fromA);
                Block again = lifo.Malloc(200);
                reusedByB = again.Address;
            });
            nextOfA = lifo.Malloc(200).Address;
        });
        Assert.Equal(fromA.Address, reusedByB);
        Assert.NotEqual(fromA.Address, nextOfA);
    }

    [Fact]
    public void ZeroSizeLargeAndZeroFilledRequestsWork()
    {
        OnFreshThread(() =>
        {
            var lifo = new LifoAllocator();
            Block zero1 = lifo.Malloc(0);
            Block zero2 = lifo.Malloc(0);
            Assert.False(zero1.IsNull);
            Assert.NotEqual(zero1.Address, zero2.Address);
            lifo.Free(zero1);
            Assert.Equal(zero1.Address, lifo.Malloc(16).Address);

            // Above 64 KiB the block is glibc's, freed to glibc.
            Block large = lifo.Malloc(LifoAllocator.MaxSmall + 1);
            large.Fill(0x44);
            Assert.Equal(0x44, large.At(LifoAllocator.MaxSmall));
            lifo.Free(large);

            // A reused block was dirty; calloc's is zero.
            Block dirty = lifo.Malloc(1000);
            dirty.Fill(0xFF);
            lifo.Free(dirty);
            Block clean = lifo.Calloc(10, 100);
            Assert.Equal(dirty.Address, clean.Address);
            Assert.True(clean.IsZero());
            Assert.True(lifo.Calloc(nuint.MaxValue / 2, 4).IsNull);

            // Realloc keeps the bytes and frees the old block into its list.
            clean.Fill(0x5C);
            Block grown = lifo.Realloc(clean, 3000);
            Assert.Equal(0x5C, grown.At(999));
            Assert.Equal(clean.Address, lifo.Malloc(1000).Address);
        });
        LifoAllocator.ReleaseAll();
    }
}
