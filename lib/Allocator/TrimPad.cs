using System.Runtime.CompilerServices;

namespace Workbench.Allocator;

/// <summary>
/// What MallocTrim's pad keeps (malloc_trim's meaning: the bytes left untrimmed): the free memory it meets first, in
/// the order it walks the heaps, is kept until the pad is covered, and everything after is given back. The free lists,
/// the runs of free blocks and the prefaulted pages all ask here, so the rule is written once.
/// </summary>
/// <remarks>Invariant: the bytes kept only grow, and stop growing at the first total at or over the pad.</remarks>
internal struct TrimPad(nuint pad)
{
    private readonly nuint _pad = pad;
    private nuint _kept;

    /// <summary>Whether the next <paramref name="bytes"/> of free memory are kept (and counted) rather than given back.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal bool Keeps(nuint bytes)
    {
        if (_kept >= _pad)
            return false;
        _kept += bytes;
        return true;
    }
}
