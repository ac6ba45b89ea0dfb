namespace Workbench.Figures;

/// <summary>What a thread-scaling figure plots.</summary>
public enum Measure
{
    /// <summary>Operations per second (millions), higher is better.</summary>
    Throughput,

    /// <summary>Nanoseconds per operation, lower is better.</summary>
    Time,
}
