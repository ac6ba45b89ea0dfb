using Workbench.Benchmarks.Allocators;
using Workbench.Benchmarks.Model;

namespace Workbench.Benchmarks.Workloads;

/// <summary>
/// A benchmark: one allocation pattern with its knobs. <see cref="Run{TAllocator}"/> is generic over a
/// struct allocator so that the loop is compiled for each allocator with direct calls (see <see cref="IAllocator"/>).
/// Every workload writes the memory it gets: one that follows a published program as that program does (its knob
/// <c>touch</c>, see <see cref="Touching"/>), the others at least the first and the last byte.
/// </summary>
public abstract class Workload
{
    /// <summary>The name on the command line and in results.</summary>
    public abstract string Name { get; }

    /// <summary>One line on what it measures and where it comes from.</summary>
    public abstract string Description { get; }

    /// <summary>What one operation is (for ns per op).</summary>
    public abstract string Operation { get; }

    /// <summary>The size spec used when none is given.</summary>
    public abstract string DefaultSizes { get; }

    /// <summary>The knobs, with defaults.</summary>
    public abstract IReadOnlyList<Knob> Knobs { get; }

    /// <summary>The routines the workload needs beyond malloc and free; allocators without them are skipped.</summary>
    public virtual AllocatorFeatures Requires => AllocatorFeatures.None;

    /// <summary>Size specs of the quick suite when none is given (each benchmark's default unless it says otherwise).</summary>
    public virtual IReadOnlyList<string> QuickSizes => [DefaultSizes];

    /// <summary>Thread counts of the quick suite (single-threaded patterns run once).</summary>
    public virtual IReadOnlyList<int> QuickThreads => [1, 2];

    /// <summary>Runs the workload once.</summary>
    public abstract WorkloadResult Run<TAllocator>(TAllocator allocator, WorkloadContext context)
        where TAllocator : struct, IAllocator;

    /// <summary>
    /// Whether the workload is a program of its own that runs on the allocator in another process (preloaded), rather
    /// than code of this process calling the allocator: <see cref="RunOutside"/> runs it, and the usage it reports is
    /// that process's.
    /// </summary>
    public virtual bool RunsOutside => false;

    /// <summary>Runs a workload that <see cref="RunsOutside"/> once on <paramref name="allocator"/>.</summary>
    public virtual WorkloadResult RunOutside(AllocatorInfo allocator, WorkloadContext context) =>
        throw new NotSupportedException($"{Name} runs inside the trial process: call Run");

    /// <summary>
    /// Runs the workload once on <paramref name="allocator"/>: a workload that <see cref="RunsOutside"/> with the
    /// allocator preloaded, any other through the allocator's struct adapter, so that <see cref="Run{TAllocator}"/> is
    /// compiled for that allocator's struct.
    /// </summary>
    public WorkloadResult RunOn(AllocatorInfo allocator, WorkloadContext context)
    {
        ArgumentNullException.ThrowIfNull(allocator);
        return RunsOutside ? RunOutside(allocator, context) : allocator.Adapter.Use(new RunOnAdapter(this, context));
    }

    /// <summary>Null when a trial of this workload can run on <paramref name="allocator"/> with this configuration here; else why it is skipped, in one line.</summary>
    public virtual string? Obstacle(AllocatorInfo allocator, int threads, string sizes) => null;

    /// <summary>
    /// The same for one planned <paramref name="trial"/>, whose knob values a workload may weigh too (what the sweep
    /// runner asks); by default the configuration's answer.
    /// </summary>
    public virtual string? Obstacle(AllocatorInfo allocator, TrialSpec trial)
    {
        ArgumentNullException.ThrowIfNull(trial);
        return Obstacle(allocator, trial.Threads, trial.Sizes);
    }

    /// <summary>
    /// Knob values for a miniature run (each knob at most 10, at least its minimum) that the trial process makes,
    /// untimed, before the measured run, so that JIT compilation and the allocator's start-up stay out of the figures.
    /// </summary>
    public Dictionary<string, long> PrimeKnobs()
    {
        Dictionary<string, long> values = new(StringComparer.Ordinal);
        foreach (Knob knob in Knobs)
        {
            values[knob.Name] = Math.Max(knob.Min, Math.Min(knob.Quick, 10));
        }
        return values;
    }

    /// <summary>The knob values to use: defaults (or quick values) overridden by <paramref name="overrides"/>.</summary>
    public Dictionary<string, long> ResolveKnobs(bool quick, IReadOnlyDictionary<string, long>? overrides = null)
    {
        Dictionary<string, long> values = new(StringComparer.Ordinal);
        foreach (Knob knob in Knobs)
        {
            values[knob.Name] = overrides is not null && overrides.TryGetValue(knob.Name, out long v) ? v : quick ? knob.Quick : knob.Default;
        }
        return values;
    }

    /// <summary>One run of a workload, handed the allocator's struct by its adapter.</summary>
    private sealed class RunOnAdapter(Workload workload, WorkloadContext context) : IAllocatorUser<WorkloadResult>
    {
        public WorkloadResult Use<TAllocator>(TAllocator allocator)
            where TAllocator : struct, IAllocator => workload.Run(allocator, context);
    }
}
