namespace Workbench.Benchmarks.Allocators;

/// <summary>Where an allocator under test comes from.</summary>
public enum AllocatorKind
{
    /// <summary>This project's cfa-malloc.</summary>
    Cfa,

    /// <summary>A native library loaded at run time.</summary>
    Native,

    /// <summary>One of .NET's own options.</summary>
    DotNet,

    /// <summary>A floor: the harness's own cost (bump) or a managed allocator's least (lifo).</summary>
    Floor,

    /// <summary>A test double (hidden from the default list).</summary>
    Test,
}
