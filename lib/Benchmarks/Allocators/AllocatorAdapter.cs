namespace Workbench.Benchmarks.Allocators;

/// <summary>
/// An allocator's struct adapter as its catalogue entry holds it: it makes the struct when a run starts and hands it,
/// typed, to an <see cref="IAllocatorUser{TResult}"/>. The name of an allocator becomes a struct type here, in the
/// entry, and nowhere else; from then on every call in a workload's loop is direct.
/// </summary>
public abstract class AllocatorAdapter
{
    private AllocatorAdapter()
    {
    }

    /// <summary>Runs <paramref name="user"/> on a fresh adapter struct, then gives back what the allocator holds for the run.</summary>
    public abstract TResult Use<TResult>(IAllocatorUser<TResult> user);

    /// <summary>
    /// The adapter that makes its struct with <paramref name="create"/> for each run and, for an allocator that keeps
    /// memory across calls for the whole run (the floors), calls <paramref name="releaseAll"/> when the run is over.
    /// </summary>
    public static AllocatorAdapter Of<TAllocator>(Func<TAllocator> create, Action? releaseAll = null)
        where TAllocator : struct, IAllocator => new Typed<TAllocator>(create, releaseAll);

    private sealed class Typed<TAllocator>(Func<TAllocator> create, Action? releaseAll) : AllocatorAdapter
        where TAllocator : struct, IAllocator
    {
        public override TResult Use<TResult>(IAllocatorUser<TResult> user)
        {
            ArgumentNullException.ThrowIfNull(user);
            if (releaseAll is null)
            {
                return user.Use(create());
            }
            try
            {
                return user.Use(create());
            }
            finally
            {
                releaseAll();
            }
        }
    }
}
