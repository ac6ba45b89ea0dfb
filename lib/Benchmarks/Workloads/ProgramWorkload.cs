using Workbench.Benchmarks.Allocators;
using Workbench.Benchmarks.Platform;
using Workbench.Benchmarks.Programs;
using Workbench.Benchmarks.Sizes;

namespace Workbench.Benchmarks.Workloads;

/// <summary>
/// program: a real, unmodified program (data/programs/NAME.yaml) run on the allocator by preloading it, one process
/// per trial, as mimalloc-bench runs its programs. Time is the program's wall time; CPU, peak RSS and faults are the
/// program's own (GNU time); a program that prints a throughput figure has it recorded; a wrong output fails the trial.
/// </summary>
public sealed class ProgramWorkload : Workload
{
    /// <inheritdoc />
    public override string Name => "program";

    /// <inheritdoc />
    public override string Description => "a real program (python3, sqlite3, gcc, redis, ...) run unmodified on the allocator, preloaded; --program NAME (data/programs)";

    /// <inheritdoc />
    public override string Operation => "one run of the program";

    /// <inheritdoc />
    public override string DefaultSizes => "program:sqlite3";

    /// <summary>The programs the quick suite runs (those marked quick whose programs are installed).</summary>
    public override IReadOnlyList<string> QuickSizes =>
        [.. ProgramCatalog.All.Where(p => p.Quick).Select(p => $"program:{p.Name}")];

    /// <inheritdoc />
    public override IReadOnlyList<int> QuickThreads => [1];

    /// <inheritdoc />
    public override IReadOnlyList<Knob> Knobs { get; } = [];

    /// <inheritdoc />
    public override bool RunsOutside => true;

    /// <inheritdoc />
    public override string? Obstacle(AllocatorInfo allocator, int threads, string sizes)
    {
        ArgumentNullException.ThrowIfNull(allocator);
        return SizeDistribution.Parse(sizes) is ProgramSelection selection
            ? ProgramRunner.Obstacle(selection.Program, allocator, threads)
            : $"skipped: the program benchmark runs a program, not the sizes '{sizes}': give --program NAME (data/programs)";
    }

    /// <inheritdoc />
    public override WorkloadResult RunOutside(AllocatorInfo allocator, WorkloadContext context)
    {
        ArgumentNullException.ThrowIfNull(allocator);
        ArgumentNullException.ThrowIfNull(context);
        ProgramSelection selection = context.Sizes as ProgramSelection
            ?? throw new ArgumentException($"the program benchmark runs a program, not the size spec '{context.Sizes.Spec}': give --program NAME (or --sizes program:NAME), e.g. --program sqlite3");
        ProgramOutcome outcome = ProgramRunner.Run(selection.Program, allocator, context.Threads);
        WorkloadResult result = new()
        {
            ElapsedSeconds = outcome.ElapsedSeconds,
            Operations = 1,
            Usage = new ResourceUsage(outcome.UserSeconds, outcome.SystemSeconds, outcome.MaxRssKib, outcome.MinorFaults, outcome.MajorFaults),
        };
        if (outcome.Throughput is double throughput)
        {
            result.Metrics["throughput"] = throughput;
        }
        return result;
    }

    /// <inheritdoc />
    public override WorkloadResult Run<TAllocator>(TAllocator allocator, WorkloadContext context) =>
        throw new NotSupportedException("the program benchmark runs a program on a preloaded allocator, outside this process: use RunOutside");
}
