namespace Workbench.Allocator;

/// <summary>
/// Thrown by a debug build when a heap breaks one of its invariants (<see cref="HeapInvariants"/>): a bug in the
/// allocator, or memory it owns overwritten by the program. The message names the heap, the size class, the formula
/// and the address.
/// </summary>
internal sealed class HeapInvariantException(string violation) : Exception("cfa-malloc heap invariant broken: " + violation);
