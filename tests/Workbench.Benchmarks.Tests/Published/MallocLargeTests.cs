using Workbench.Benchmarks.Workloads;

namespace Workbench.Benchmarks.Tests.Published;

/// <summary>
/// malloc-large is mimalloc-bench's: 2000 blocks of 5-25 MiB into 20 random slots, each zero-filled, the slot's old
/// block freed after the new one is made.
/// </summary>
public sealed class MallocLargeTests
{
    [Fact]
    public void EachNewBlockIsZeroedThenReplacesARandomSlotsBlock()
    {
        const int live = 5;
        (WorkloadResult result, IReadOnlyList<Call> calls) = Run.Logged("malloc-large", 1, "uniform:65536-131072", new() { ["iterations"] = 60, ["live"] = live });
        Assert.Equal(60, result.Operations);
        Call[] worker = [.. calls.Where(c => c.Thread != CallLog.CurrentThread)];
        Assert.Equal(60, worker.Count(c => c.Kind == CallKind.Malloc));
        // A free only ever follows a malloc (the new block exists before the old one goes), and at most `live` blocks
        // are live between steps.
        List<nint> liveBlocks = [];
        bool freedNotTheOldest = false;
        for (int i = 0; i < worker.Length; i++)
        {
            Call c = worker[i];
            if (c.Kind == CallKind.Malloc)
            {
                Assert.InRange(c.Size, (nuint)65536, (nuint)131072);
                liveBlocks.Add(c.Address);
            }
            else
            {
                Assert.Equal(CallKind.Malloc, worker[i - 1].Kind);
                Assert.True(c.AllZero, $"block freed at call {c.Order} was not zero-filled");
                freedNotTheOldest |= liveBlocks.IndexOf(c.Address) != 0;
                Assert.True(liveBlocks.Remove(c.Address));
            }
            if (c.Kind == CallKind.Free || i + 1 == worker.Length || worker[i + 1].Kind == CallKind.Malloc)
            {
                Assert.True(liveBlocks.Count <= live, $"{liveBlocks.Count} blocks live after call {c.Order}");
            }
        }
        Assert.True(freedNotTheOldest, "every replacement freed the oldest block: the slots are not random");
        // The blocks left in the slots are freed after the clock, by the calling thread.
        Assert.Equal(liveBlocks.Order(), calls.Where(c => c.Thread == CallLog.CurrentThread).Select(c => c.Address).Order());
        Run.AssertEveryBlockFreedOnce(calls);
    }
}
