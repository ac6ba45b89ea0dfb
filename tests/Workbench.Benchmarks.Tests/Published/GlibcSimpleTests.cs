using Workbench.Benchmarks.Workloads;

namespace Workbench.Benchmarks.Tests.Published;

/// <summary>
/// glibc-simple is mimalloc-bench's bench-malloc-simple: sizes 16, 32, 64; arrays of 25, 100, 400, 1600; a warm-up and
/// three scenarios (first thread, new thread, first thread again); every byte written; half freed FIFO, half LIFO.
/// </summary>
public sealed class GlibcSimpleTests
{
    [Fact]
    public void EverySizeRunsAWarmupAndThreeScenariosOverTheFourArrays()
    {
        const long allocations = 200;
        (WorkloadResult result, IReadOnlyList<Call> calls) = Run.Logged("glibc-simple", 1, "pow2:16-64", new() { ["allocations"] = allocations });
        int[] lengths = [25, 100, 400, 1600];
        int position = 0;
        List<int> threadOfPass = [];
        foreach (int size in new[] { 16, 32, 64 })
        {
            for (int pass = 0; pass < 4; pass++)
            {
                foreach (int length in lengths)
                {
                    long rounds = Math.Max(1, allocations / length);
                    for (long r = 0; r < rounds; r++)
                    {
                        Call[] mallocs = [.. calls.Skip(position).Take(length)];
                        Call[] frees = [.. calls.Skip(position + length).Take(length)];
                        position += 2 * length;
                        Assert.All(mallocs, m => Assert.Equal((CallKind.Malloc, (nuint)size), (m.Kind, m.Size)));
                        Assert.All(frees, f => Assert.Equal(CallKind.Free, f.Kind));
                        // First half first to last, second half last to first.
                        int half = length / 2;
                        int[] order = [.. Enumerable.Range(0, half), .. Enumerable.Range(half, length - half).Reverse()];
                        Assert.Equal(order.Select(i => mallocs[i].Address), frees.Select(f => f.Address));
                        // Every byte g holds (byte)g.
                        Assert.All(frees, f => Assert.Equal(Enumerable.Range(0, size).Select(g => (byte)g), f.Content!));
                    }
                    threadOfPass.Add(calls[position - 1].Thread);
                }
            }
        }
        Assert.Equal(calls.Count, position);
        Assert.Equal(calls.Count / 2, result.Operations);
        // Per size: the warm-up and the first and third scenarios on one thread, the second on another.
        for (int s = 0; s < 3; s++)
        {
            int[] t = [.. threadOfPass.Skip(s * 16).Take(16)];
            int first = t[0];
            Assert.All(t[..4].Concat(t[4..8]).Concat(t[12..16]), x => Assert.Equal(first, x));
            Assert.All(t[8..12], x => Assert.NotEqual(first, x));
        }
        foreach (string metric in new[] { "first_thread_ns", "new_thread_ns", "first_thread_again_ns", "size_16_ns", "size_64_ns", "blocks_25_ns", "blocks_1600_ns" })
        {
            Assert.True(result.Metrics[metric] > 0, metric);
        }
    }

    [Fact]
    public void OneArrayLengthAndTheEndsOnlyAreKnobs()
    {
        (_, IReadOnlyList<Call> calls) = Run.Logged("glibc-simple", 1, "fixed:32", new() { ["allocations"] = 100, ["blocks"] = 50, ["touch"] = 1 });
        Assert.Equal(4 * 2 * 2 * 50, calls.Count);
        Call[] frees = [.. calls.Skip(50).Take(50)];
        Call[] mallocs = [.. calls.Take(50)];
        for (int i = 0; i < 50; i++)
        {
            byte[] bytes = frees.Single(f => f.Address == mallocs[i].Address).Content!;
            Assert.Equal((byte)i, bytes[0]);
            Assert.Equal((byte)i, bytes[31]);
            Assert.All(bytes[1..31], b => Assert.Equal(CallLog.Fresh, b));
        }
    }

    [Fact]
    public void ASpecWithoutAShortListOfSizesIsRefusedWithWhatToWrite()
    {
        Workload w = WorkloadCatalog.Find("glibc-simple")!;
        Allocators.AllocatorInfo glibc = Allocators.AllocatorCatalog.Find("glibc")!;
        Assert.Null(w.Obstacle(glibc, 1, "pow2:16-64"));
        Assert.Null(w.Obstacle(glibc, 1, "fixed:48"));
        Assert.Contains("pow2:16-64", w.Obstacle(glibc, 1, "uniform:16-64"), StringComparison.Ordinal);
    }
}
