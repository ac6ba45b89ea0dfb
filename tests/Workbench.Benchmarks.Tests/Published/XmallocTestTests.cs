using System.Runtime.InteropServices;
using Workbench.Benchmarks.Allocators;
using Workbench.Benchmarks.Workloads;

namespace Workbench.Benchmarks.Tests.Published;

/// <summary>
/// xmalloc-test is Lever and Boreham's: malloc'd batch records of 4096 blocks, passed on a LIFO stack of at most 100,
/// each block written for min(size, 128) bytes, the record freed by the consumer after its blocks.
/// </summary>
public sealed class XmallocTestTests
{
    [Fact]
    public void ProducersFillRecordsAndConsumersFreeTheBlocksThenTheRecord()
    {
        const int batch = 16;
        (WorkloadResult result, IReadOnlyList<Call> calls) = Run.Logged("xmalloc-test", 1, "fixed:200", new() { ["duration_ms"] = 300, ["batch"] = batch, ["in_flight"] = 3 });
        Call[] mallocs = [.. calls.Where(c => c.Kind == CallKind.Malloc)];
        int producer = mallocs[0].Thread;
        Assert.All(mallocs, m => Assert.Equal(producer, m.Thread));
        // The producer's calls: a record, then its blocks, over and over.
        Assert.Equal(0, mallocs.Length % (batch + 1));
        for (int b = 0; b < mallocs.Length; b += batch + 1)
        {
            Assert.Equal(XmallocTestWorkload.RecordSize(batch), mallocs[b].Size);
            Assert.All(mallocs[(b + 1)..(b + 1 + batch)], m => Assert.Equal((nuint)200, m.Size));
        }
        // Every free of a record: its blocks were freed just before it, in order, by the same thread, and the record
        // holds their addresses; each block holds its index in its first 128 bytes and nothing written after them.
        // (Read in call order, since glibc hands an address out again once it is freed.)
        Dictionary<nint, nint[]> blocksOfRecord = [];
        HashSet<nint> liveRecords = [];
        Dictionary<long, int> indexOf = Enumerable.Range(0, mallocs.Length).ToDictionary(i => mallocs[i].Order);
        List<Call> frees = [];
        int consumerFrees = 0;
        int recordsFreed = 0;
        foreach (Call call in calls)
        {
            if (call.Kind == CallKind.Malloc)
            {
                liveRecords.Remove(call.Address);
                if (call.Size == XmallocTestWorkload.RecordSize(batch))
                {
                    liveRecords.Add(call.Address);
                    blocksOfRecord[call.Address] = [.. mallocs.Skip(indexOf[call.Order] + 1).Take(batch).Select(m => m.Address)];
                }
                continue;
            }
            frees.Add(call);
            if (!liveRecords.Remove(call.Address))
            {
                continue;
            }
            nint[] blocks = blocksOfRecord[call.Address];
            Call[] before = [.. frees[^(batch + 1)..^1]];
            Assert.Equal(blocks, before.Select(f => f.Address));
            Assert.All(before, f => Assert.Equal(call.Thread, f.Thread));
            nint[] written = MemoryMarshal.Cast<byte, nint>(call.Content!.AsSpan(8, 8 * batch)).ToArray();
            Assert.Equal(blocks, written);
            for (int j = 0; j < batch; j++)
            {
                byte[] bytes = before[j].Content!;
                Assert.All(bytes[..XmallocTestWorkload.WrittenPrefix], v => Assert.Equal((byte)j, v));
                Assert.All(bytes[XmallocTestWorkload.WrittenPrefix..], v => Assert.Equal(CallLog.Fresh, v));
            }
            recordsFreed++;
            if (call.Thread != producer && call.Thread != CallLog.CurrentThread)
            {
                consumerFrees += batch;
            }
        }
        Assert.Equal(mallocs.Length / (batch + 1), recordsFreed);
        Assert.True(consumerFrees > 0, "no batch reached the consumer");
        // Only what consumers freed counts; leftovers are freed afterwards by the calling thread.
        Assert.Equal(consumerFrees, result.Operations);
        Run.AssertEveryBlockFreedOnce(calls);
    }

    [Fact]
    public void TheStackIsLastInFirstOutAndBoundedByItsCapacity()
    {
        BatchStack stack = new(capacity: 2, batchSize: 1, producers: 1);
        Batch Make(int tag) => new(default, [new Block(new byte[tag], (nuint)tag)]);
        stack.Push(Make(1));
        stack.Push(Make(2));
        using ManualResetEventSlim pushed = new();
        Thread third = new(() =>
        {
            stack.Push(Make(3));
            pushed.Set();
        });
        third.Start();
        Assert.False(pushed.Wait(200), "a push into a full stack did not wait");
        Assert.True(stack.TryPop(out Batch top));
        Assert.Equal((nuint)2, top.Objects[0].Size);
        Assert.True(pushed.Wait(5000), "the waiting push did not go on when there was room");
        third.Join();
        Assert.True(stack.TryPop(out top));
        Assert.Equal((nuint)3, top.Objects[0].Size);
        Assert.True(stack.TryPop(out top));
        Assert.Equal((nuint)1, top.Objects[0].Size);
        stack.Stop();
        Assert.False(stack.TryPop(out _));
        // After the stop a push is kept aside for the leftovers.
        stack.Push(Make(4));
        Assert.True(stack.TryPopLeftover(out top));
        Assert.Equal((nuint)4, top.Objects[0].Size);
        Assert.False(stack.TryPopLeftover(out _));
    }
}
