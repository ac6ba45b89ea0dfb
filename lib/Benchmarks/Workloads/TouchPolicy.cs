namespace Workbench.Benchmarks.Workloads;

/// <summary>
/// How a workload writes the blocks it gets: as the published program it follows writes them (the default), or only
/// the first and the last byte (the suite's old, cheaper rule, kept as the knob <c>touch=1</c>). The knob is declared
/// once, in <see cref="Touching"/>.
/// </summary>
public enum TouchPolicy
{
    /// <summary>Write what the published program writes (whole objects, a prefix, every byte, or nothing).</summary>
    Published = 0,

    /// <summary>Write only the first and the last byte of every block.</summary>
    Ends = 1,
}

/// <summary>The <c>touch</c> knob shared by the workloads that follow a published program.</summary>
public static class Touching
{
    /// <summary>The knob's name.</summary>
    public const string Name = "touch";

    /// <summary>The knob, its description naming what the published program writes.</summary>
    public static Knob Knob(string published) =>
        new(Name, $"how each block is written: 0 = as the published program ({published}), 1 = only its first and last byte", 0, 0, Min: 0, Max: 1);

    /// <summary>The policy a run asks for.</summary>
    public static TouchPolicy Of(WorkloadContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return (TouchPolicy)context.Knob(Name);
    }
}
