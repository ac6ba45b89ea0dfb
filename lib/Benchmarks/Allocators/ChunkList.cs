using System.Runtime.InteropServices;

namespace Workbench.Benchmarks.Allocators;

/// <summary>
/// The chunks a floor allocator (<see cref="BumpAllocator"/>, <see cref="LifoAllocator"/>) takes from
/// <see cref="NativeMemory"/> for all its threads, kept so that they can be given back together when a trial is over.
/// Thread-safe.
/// </summary>
internal sealed unsafe class ChunkList
{
    private readonly List<nint> _chunks = [];
    private readonly Lock _lock = new();

    /// <summary>A new chunk of <paramref name="bytes"/>, remembered; null when memory is exhausted.</summary>
    public void* Take(nuint bytes)
    {
        void* chunk = NativeMemory.Alloc(bytes);
        if (chunk != null)
        {
            lock (_lock)
            {
                _chunks.Add((nint)chunk);
            }
        }
        return chunk;
    }

    /// <summary>Frees every chunk taken so far.</summary>
    public void FreeAll()
    {
        lock (_lock)
        {
            foreach (nint chunk in _chunks)
            {
                NativeMemory.Free((void*)chunk);
            }
            _chunks.Clear();
        }
    }
}
