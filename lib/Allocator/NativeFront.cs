namespace Workbench.Allocator;

/// <summary>
/// The native front of the preloaded library (lib/Preload/native/front.c), which keeps the per-thread slots (the
/// thread's heap, its last errno) that the allocator reads when it is compiled with <c>PRELOAD</c>.
/// </summary>
internal static class NativeFront
{
    /// <summary>The library name its functions are imported from (linked statically: DirectPInvoke in lib/Preload).</summary>
    internal const string Library = "cfafront";
}
