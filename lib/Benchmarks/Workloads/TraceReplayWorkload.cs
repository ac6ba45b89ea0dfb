using Workbench.Benchmarks.Sizes;
using Workbench.Benchmarks.Traces;

namespace Workbench.Benchmarks.Workloads;

/// <summary>
/// trace-replay: replays a recorded trace (a real program's allocations, see <c>docs/traces.md</c>) against the
/// allocator, call for call, on as many threads as the trace has. Every block is written (one byte in every 4 KiB
/// and its last byte, so all its pages are resident, or every byte with <c>verify=1</c>) and checked before it is freed. The trace is streamed: one thread decodes it
/// into windows of events while the replay threads run the windows before it, so a trace of any length replays in
/// constant memory. Time is the replay threads' time inside windows (decoding and sampling left out); the RSS is
/// sampled every <c>sample_every</c> events beside the exact live requested bytes, which give the overhead.
/// </summary>
public sealed class TraceReplayWorkload : Workload
{
    /// <summary>The traces committed under <c>data/traces</c>, which the quick suite replays.</summary>
    public static IReadOnlyList<string> CommittedTraces { get; } =
    [
        "trace:data/traces/sqlite3.trace",
        "trace:data/traces/cc1.trace",
        "trace:data/traces/cc1plus.trace",
        "trace:data/traces/python3.trace",
        "trace:data/traces/perl.trace",
    ];

    /// <inheritdoc />
    public override string Name => "trace-replay";

    /// <inheritdoc />
    public override string Description => "a real program's recorded allocations (heaptrack or a C# recording) replayed call for call, on as many threads as it had; --trace FILE";

    /// <inheritdoc />
    public override string Operation => "one trace event (malloc, calloc, realloc, aligned allocation or free)";

    /// <inheritdoc />
    public override string DefaultSizes => CommittedTraces[0];

    /// <summary>The committed traces that can be found from here (none when the workbench runs outside its repository).</summary>
    public override IReadOnlyList<string> QuickSizes =>
        [.. CommittedTraces.Where(spec => TraceFiles.Resolve(spec["trace:".Length..]) is not null)];

    /// <inheritdoc />
    public override IReadOnlyList<int> QuickThreads => [1];

    /// <inheritdoc />
    public override IReadOnlyList<Knob> Knobs { get; } =
    [
        new("sample_every", "events between two samples of the RSS (and of the live requested bytes)", 10_000, 10_000, Min: 1, Max: 1_000_000_000_000),
        new("verify", "0: write and check one byte in every 4 KiB of every block and its last byte; 1: fill and check every byte", 0, 0, Min: 0, Max: 1),
        new("max_events", "events replayed at most (default: the whole trace; the untimed priming run replays 10)", 1_000_000_000_000, 1_000_000_000_000, Min: 1, Max: 1_000_000_000_000),
    ];

    /// <inheritdoc />
    public override WorkloadResult Run<TAllocator>(TAllocator allocator, WorkloadContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        TraceSizes trace = context.Sizes as TraceSizes
            ?? throw new ArgumentException($"trace-replay replays a trace, not the size spec '{context.Sizes.Spec}': give --trace FILE (or --sizes trace:FILE), e.g. --trace data/traces/sqlite3.trace");
        bool verify = context.Knob("verify") != 0;
        using TraceReader reader = TraceReader.Open(trace.File);
        int threads = Math.Max(1, reader.Info.Threads);
        long maxEvents = context.Knob("max_events");
        int slots = ReplayTables.Slots(reader.Info, maxEvents, trace.Path, GC.GetGCMemoryInfo().TotalAvailableMemoryBytes);
        ReplayDispatcher dispatcher = new(reader, trace.Path, StreamedReplay.WindowEvents, context.Knob("sample_every"), maxEvents, slots);
        TraceReplayer<TAllocator> replay = new(allocator, dispatcher.Slots, verify);
        ReplayMeasurement measured = StreamedReplay.Run(replay, dispatcher, threads);
        int leftover = dispatcher.LiveObjects;
        replay.ReleaseAll();
        return TraceReplayMetrics.Of(measured, dispatcher, reader.Info, threads, leftover, replay.AlignedAsMalloc);
    }
}
