using Workbench.Benchmarks.Allocators;

namespace Workbench.Benchmarks.Workloads;

/// <summary>
/// cache-scratch (Hoard; passive false sharing): the main thread allocates one small object per thread and
/// hands it over; each worker frees it, then repeatedly allocates an object of the same size, writes it and
/// frees it. An allocator that gives a freed, line-sharing object to another thread scales poorly.
/// </summary>
public sealed class CacheScratchWorkload : HoardCacheWorkload
{
    /// <inheritdoc />
    public override string Name => "cache-scratch";

    /// <inheritdoc />
    public override string Description => "Hoard: workers free an object the main thread allocated, then allocate/write/free their own (passive false sharing)";

    /// <inheritdoc />
    protected override GangResult RunThreads<TAllocator>(TAllocator allocator, int threads, long iterations, long repetitions, nuint size)
    {
        Block[] handed = new Block[threads];
        for (int t = 0; t < handed.Length; t++)
        {
            handed[t] = Checked.NotNull(allocator.Malloc(size), size);
            handed[t].Touch(1);
        }
        return ThreadGang.Run(threads, t =>
        {
            allocator.Free(handed[t]);
            Worker(allocator, iterations, repetitions, size);
        });
    }
}
