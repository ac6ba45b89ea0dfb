namespace Workbench.Benchmarks.Tests;

/// <summary>
/// Tests that read this test process's own memory (its RSS, its anonymous and brk-heap pages) and expect to see what
/// they allocated in it. They run alone, after the parallel tests: another test allocating or giving back tens of MiB
/// at the same moment moved such a reading by as much (a 40 MiB mapping was read as 8 MiB once in CI).
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessMemoryCollection
{
    /// <summary>The collection's name.</summary>
    public const string Name = "process memory";
}
