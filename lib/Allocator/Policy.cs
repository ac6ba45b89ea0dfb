namespace Workbench.Allocator;

/// <summary>
/// The policy switches of the hot paths, frozen at start-up. They are <c>static readonly</c>
/// so that the JIT folds them into constants once this class is initialised: the checked
/// mode costs nothing when off, and the ownership test disappears from the free path.
/// </summary>
internal static class Policy
{
    internal static readonly bool Ownership = AllocatorOptions.Effective.Ownership;
    internal static readonly bool Checked = AllocatorOptions.Effective.Checked;
    internal static readonly bool CountFastPaths = AllocatorOptions.Effective.CountFastPaths;
}
