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

    /// <summary>The bump floor.</summary>
    Floor,

    /// <summary>A test double (hidden from the default list).</summary>
    Test,
}
