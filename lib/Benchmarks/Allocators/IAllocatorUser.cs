namespace Workbench.Benchmarks.Allocators;

/// <summary>
/// Code that runs on an allocator given as its struct type, such as one run of a workload. An
/// <see cref="AllocatorAdapter"/> calls <see cref="Use{TAllocator}"/> with its allocator's struct, so the JIT compiles
/// the user's generic code once per allocator with direct calls (see <see cref="IAllocator"/>).
/// </summary>
/// <typeparam name="TResult">What the use returns.</typeparam>
public interface IAllocatorUser<out TResult>
{
    /// <summary>Runs on <paramref name="allocator"/>.</summary>
    TResult Use<TAllocator>(TAllocator allocator)
        where TAllocator : struct, IAllocator;
}
