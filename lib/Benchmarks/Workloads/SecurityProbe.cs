namespace Workbench.Benchmarks.Workloads;

/// <summary>One misuse of the heap that the <c>security</c> benchmark commits, each in a process of its own.</summary>
public enum SecurityProbe
{
    /// <summary>A block freed twice (mimalloc-bench's <c>double_free</c>).</summary>
    DoubleFree,

    /// <summary>A freed block written whole, then its size allocated and freed again and again (<c>write_after_free_reuse</c>).</summary>
    UseAfterFree,

    /// <summary>Bytes past the end of a block flipped, into the block beside it, then both freed (<c>32_byte_overflow</c>).</summary>
    Overflow,

    /// <summary>A pointer into the middle of a block freed (<c>invalid_free_close</c>).</summary>
    InteriorFree,
}

/// <summary>What an allocator did about a <see cref="SecurityProbe"/>; the numbers are the values of the results' probe columns.</summary>
public enum ProbeVerdict
{
    /// <summary>The misuse cannot be written for this allocator (a managed array has no interior pointer and no end to write past).</summary>
    NotApplicable = -1,

    /// <summary>The process went on as if nothing happened.</summary>
    Silent = 0,

    /// <summary>The process died without the allocator saying why (a segmentation fault, a runtime failure), or hung, or the allocator failed on correct use first.</summary>
    Crash = 1,

    /// <summary>The allocator reported the misuse: an exception it raises (cfa-malloc's HeapCorruptionException), or a deliberate abort (glibc's "double free detected").</summary>
    Detected = 2,
}
