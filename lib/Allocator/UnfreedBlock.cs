namespace Workbench.Allocator;

/// <summary>A block that checked mode saw allocated and not freed.</summary>
/// <param name="Address">The block's data address.</param>
/// <param name="Size">Its request size.</param>
public readonly record struct UnfreedBlock(nuint Address, nuint Size);
