using Workbench.Benchmarks.Sizes;

namespace Workbench.Benchmarks.Workloads;

/// <summary>The parameters of one run of a workload.</summary>
public sealed class WorkloadContext
{
    /// <summary>A context.</summary>
    public WorkloadContext(int threads, SizeDistribution sizes, int seed, IReadOnlyDictionary<string, long> knobs)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        Threads = threads;
        Sizes = sizes;
        Seed = seed;
        Knobs = knobs;
    }

    /// <summary>Worker threads (each workload says how it uses them).</summary>
    public int Threads { get; }

    /// <summary>The request sizes.</summary>
    public SizeDistribution Sizes { get; }

    /// <summary>The seed of every random choice.</summary>
    public int Seed { get; }

    /// <summary>Knob values by name (every knob of the workload is present).</summary>
    public IReadOnlyDictionary<string, long> Knobs { get; }

    /// <summary>A knob's value.</summary>
    public long Knob(string name) => Knobs.TryGetValue(name, out long value)
        ? value
        : throw new KeyNotFoundException($"knob '{name}' has no value");

    /// <summary>A size table for thread <paramref name="thread"/>, with its own seed.</summary>
    public SizeTable SizeTableFor(int thread) => new(Sizes, unchecked(Seed * 31 + thread));
}
