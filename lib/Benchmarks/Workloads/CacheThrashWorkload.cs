namespace Workbench.Benchmarks.Workloads;

/// <summary>
/// cache-thrash (Hoard; active false sharing): each thread repeatedly allocates a small object, writes
/// every byte of it many times, and frees it. An allocator that gives different threads' objects out of
/// one cache line makes the threads fight over the line. The repetitions are split among the threads,
/// so the ideal is a P-fold speedup from 1 to P threads.
/// </summary>
public sealed class CacheThrashWorkload : HoardCacheWorkload
{
    /// <inheritdoc />
    public override string Name => "cache-thrash";

    /// <inheritdoc />
    public override string Description => "Hoard: each thread allocates a small object, writes it many times, frees it (active false sharing)";

    /// <inheritdoc />
    protected override GangResult RunThreads<TAllocator>(TAllocator allocator, int threads, long iterations, long repetitions, nuint size) =>
        ThreadGang.Run(threads, _ => Worker(allocator, iterations, repetitions, size));
}
