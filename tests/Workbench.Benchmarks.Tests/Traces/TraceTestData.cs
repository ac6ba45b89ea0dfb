using Workbench.Benchmarks.Traces;

namespace Workbench.Benchmarks.Tests.Traces;

/// <summary>The committed traces and random traces made for the tests.</summary>
internal static class TraceTestData
{
    /// <summary>The committed file <c>data/traces/NAME</c>, found from the test's folder.</summary>
    public static string Committed(string name) =>
        TraceFiles.Resolve($"{TraceFiles.CommittedFolder}/{name}") ?? throw new FileNotFoundException($"data/traces/{name} is not in the repository");

    /// <summary>
    /// A random but consistent stream of events over <paramref name="threads"/> threads: every kind of operation,
    /// sizes from 0 to 2^40, alignments up to 4 KiB, frees of old and new objects.
    /// </summary>
    public static List<TraceEvent> RandomEvents(int count, int threads, int seed)
    {
        Random random = new(seed);
        List<TraceEvent> events = new(count);
        List<long> live = [];
        long next = 0;
        while (events.Count < count)
        {
            int thread = random.Next(threads);
            int choice = random.Next(10);
            if (live.Count > 0 && choice < 4)
            {
                int index = random.Next(2) == 0 ? live.Count - 1 : random.Next(live.Count);
                long id = live[index];
                if (choice == 0)
                {
                    events.Add(new TraceEvent(TraceOperation.Realloc, id, Size(random), 0, thread));
                }
                else
                {
                    live[index] = live[^1];
                    live.RemoveAt(live.Count - 1);
                    events.Add(new TraceEvent(TraceOperation.Free, id, 0, 0, thread));
                }
                continue;
            }
            TraceOperation op = choice switch { 4 => TraceOperation.Calloc, 5 => TraceOperation.AlignedAlloc, _ => TraceOperation.Malloc };
            ulong alignment = op == TraceOperation.AlignedAlloc ? 1UL << random.Next(13) : 0;
            events.Add(new TraceEvent(op, next, Size(random), alignment, thread));
            live.Add(next++);
        }
        return events;
    }

    /// <summary>Writes the events as a trace into a new memory stream (positioned at 0).</summary>
    public static MemoryStream Write(IEnumerable<TraceEvent> events, string source = "test")
    {
        MemoryStream stream = new();
        using (TraceWriter writer = new(stream, source, leaveOpen: true))
        {
            foreach (TraceEvent e in events)
            {
                writer.Write(e);
            }
        }
        stream.Position = 0;
        return stream;
    }

    /// <summary>The byte offsets of the blocks of a trace (walking the block headers).</summary>
    public static List<long> BlockOffsets(byte[] trace)
    {
        List<long> offsets = [];
        long at = TraceFormat.HeaderBytes;
        while (at < trace.Length)
        {
            offsets.Add(at);
            at += TraceFormat.BlockHeaderBytes + BitConverter.ToUInt32(trace, (int)at + 1);
        }
        return offsets;
    }

    private static ulong Size(Random random) => random.Next(20) switch
    {
        0 => 0,
        1 => (ulong)random.NextInt64(1, 1L << 40),
        < 5 => (ulong)random.Next(1, 1 << 20),
        _ => (ulong)random.Next(1, 512),
    };
}
