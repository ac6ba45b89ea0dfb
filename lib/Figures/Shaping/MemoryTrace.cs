namespace Workbench.Figures.Shaping;

/// <summary>
/// One repetition of one allocator's trial over time, every line over the runtime's own baseline (the trial process's
/// memory before the workload started), in time order.
/// </summary>
/// <param name="Repetition">The repetition.</param>
/// <param name="Heap">Resident brk heap over the baseline; empty where the trial did not split its memory.</param>
/// <param name="Mmap">Resident anonymous mmap memory over the baseline; empty where the trial did not split its memory.</param>
/// <param name="Requested">Bytes requested and not yet freed, from the workload's own samples; empty where it did not count them.</param>
/// <param name="Resident">
/// The whole RSS over the baseline (the first sample's RSS), drawn where heap and mmap were not measured (older runs,
/// benchmarks that sample only the RSS); empty where they were.
/// </param>
public sealed record MemoryTrace(int Repetition, IReadOnlyList<MemorySample> Heap, IReadOnlyList<MemorySample> Mmap,
    IReadOnlyList<MemorySample> Requested, IReadOnlyList<MemorySample> Resident);
