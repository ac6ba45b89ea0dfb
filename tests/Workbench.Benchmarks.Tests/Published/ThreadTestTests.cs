using System.Runtime.InteropServices;
using Workbench.Benchmarks.Workloads;

namespace Workbench.Benchmarks.Tests.Published;

/// <summary>threadtest is Hoard's: 64-byte Foo[8] blocks written as (14, 29) pairs, allocated then freed in order per thread.</summary>
public sealed class ThreadTestTests
{
    [Fact]
    public void EachThreadAllocatesItsShareThenFreesItInTheSameOrder()
    {
        (WorkloadResult result, IReadOnlyList<Call> calls) = Run.Logged("threadtest", 2, "fixed:64", new() { ["iterations"] = 3, ["objects"] = 10 });
        Assert.Equal(2 * 3 * 5, result.Operations);
        List<IGrouping<int, Call>> byThread = [.. calls.GroupBy(c => c.Thread)];
        Assert.Equal(2, byThread.Count);
        foreach (IGrouping<int, Call> thread in byThread)
        {
            Call[] c = [.. thread];
            Assert.Equal(3 * 10, c.Length);
            for (int round = 0; round < 3; round++)
            {
                Call[] mallocs = c[(round * 10)..(round * 10 + 5)];
                Call[] frees = c[(round * 10 + 5)..(round * 10 + 10)];
                Assert.All(mallocs, m => Assert.Equal((CallKind.Malloc, (nuint)64), (m.Kind, m.Size)));
                Assert.All(frees, f => Assert.Equal(CallKind.Free, f.Kind));
                Assert.Equal(mallocs.Select(m => m.Address), frees.Select(f => f.Address));
                foreach (Call free in frees)
                {
                    int[] ints = MemoryMarshal.Cast<byte, int>(free.Content!).ToArray();
                    Assert.Equal(Enumerable.Repeat(new[] { 14, 29 }, 8).SelectMany(p => p), ints);
                }
            }
        }
    }

    [Fact]
    public void TouchOneWritesOnlyTheEnds()
    {
        (_, IReadOnlyList<Call> calls) = Run.Logged("threadtest", 1, "fixed:64", new() { ["iterations"] = 1, ["objects"] = 4, ["touch"] = 1 });
        Call[] frees = [.. calls.Where(c => c.Kind == CallKind.Free)];
        for (int j = 0; j < frees.Length; j++)
        {
            byte[] bytes = frees[j].Content!;
            Assert.Equal((byte)j, bytes[0]);
            Assert.Equal((byte)j, bytes[63]);
            Assert.All(bytes[1..63], b => Assert.Equal(CallLog.Fresh, b));
        }
    }
}
