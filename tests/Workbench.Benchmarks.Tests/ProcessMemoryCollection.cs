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

    /// <summary>
    /// Collects the test process's managed heap, finalizers included, and lets the runtime give back what it frees, so
    /// that garbage the parallel tests left (a logged larson run keeps every call's bytes: tens of MiB) is not given back
    /// in the middle of a reading: once in CI the anonymous memory fell by 80 MiB between a test's baseline and its
    /// first sample. Each test class of the collection calls it from its constructor, before each test.
    /// </summary>
    public static void Settle()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
    }
}
