namespace Workbench.Benchmarks.Allocators;

/// <summary>The routines an allocator offers beyond malloc and free; a workload skips what is missing.</summary>
[Flags]
public enum AllocatorFeatures
{
    /// <summary>Only malloc and free.</summary>
    None = 0,

    /// <summary>Zero-filled allocation.</summary>
    Calloc = 1,

    /// <summary>Resizing a block.</summary>
    Realloc = 2,

    /// <summary>Aligned allocation.</summary>
    Aligned = 4,

    /// <summary>Everything.</summary>
    All = Calloc | Realloc | Aligned,
}
