namespace Workbench.Benchmarks.Platform;

/// <summary>
/// What this process holds in memory at one moment, split by the kind of mapping the pages belong to (KiB, resident
/// pages only), as <see cref="RssProbe.Read"/> reads it.
/// </summary>
/// <param name="RssKib">The whole resident set: anonymous, file-backed and shared pages.</param>
/// <param name="HeapKib">Resident pages of the brk heap (<c>[heap]</c>: from the program's first break to the current one).</param>
/// <param name="MmapKib">
/// Resident anonymous pages outside the brk heap: what <c>mmap</c> gave (allocators' arenas and large blocks, the .NET
/// GC's heap, thread stacks). File-backed and shared pages (the code of the runtime and of every allocator library,
/// the JIT's double-mapped code) are in neither part.
/// </param>
public readonly record struct MemoryUse(long RssKib, long HeapKib, long MmapKib)
{
    /// <summary>The anonymous memory, brk heap and mmap together.</summary>
    public long AnonymousKib => HeapKib + MmapKib;
}
