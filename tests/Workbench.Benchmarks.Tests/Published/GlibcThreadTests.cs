using Workbench.Benchmarks.Sizes;
using Workbench.Benchmarks.Workloads;

namespace Workbench.Benchmarks.Tests.Published;

/// <summary>
/// glibc-thread is mimalloc-bench's bench-malloc-thread: inverse-square sizes over 4-32768 and slot numbers from rings
/// that every thread walks from the start, each new block written in full.
/// </summary>
public sealed class GlibcThreadTests
{
    [Fact]
    public void EveryThreadWalksTheSameRingsAndWritesEveryByte()
    {
        const int slots = 8;
        (WorkloadResult result, IReadOnlyList<Call> calls) = Run.Logged("glibc-thread", 2, "invsquare:4-32768", new() { ["duration_ms"] = 150, ["working_set"] = slots });
        SizeTable ring = new(SizeDistribution.Parse("invsquare:4-32768"), 5, GlibcThreadWorkload.SizeRing);
        int[] offsets = GlibcThreadWorkload.SlotRing(slots, 5);
        List<IGrouping<int, Call>> threads = [.. calls.Where(c => c.Thread != CallLog.CurrentThread).GroupBy(c => c.Thread)];
        Assert.Equal(2, threads.Count);
        long mallocs = 0;
        foreach (IGrouping<int, Call> thread in threads)
        {
            Call[] mine = [.. thread];
            nint[] live = new nint[slots];
            int n = mine.Count(c => c.Kind == CallKind.Malloc);
            int at = 0;
            for (int i = 0; i < n; i++)
            {
                int slot = offsets[(i + 1) % offsets.Length];
                if (live[slot] != 0)
                {
                    Assert.Equal((CallKind.Free, live[slot]), (mine[at].Kind, mine[at].Address));
                    Assert.Equal(Enumerable.Range(0, Math.Min((int)mine[at].Size, CallLog.Kept)).Select(g => (byte)g), mine[at].Content!);
                    at++;
                }
                Assert.Equal((CallKind.Malloc, ring[i + 1]), (mine[at].Kind, mine[at].Size));
                live[slot] = mine[at].Address;
                at++;
            }
            // After the time is up the thread frees what its slots hold.
            Assert.Equal(live.Where(a => a != 0).Order(), mine[at..].Select(c => c.Address).Order());
            mallocs += n;
        }
        Assert.Equal(result.Operations, mallocs);
        Assert.True(mallocs > 2 * slots);
        Run.AssertEveryBlockFreedOnce(calls);
    }
}
