namespace Workbench.Benchmarks.Allocators;

/// <summary>
/// How the .NET entries (gc, arraypool) give free memory back: a blocking, compacting, aggressive collection, which
/// decommits the free parts of the managed heap; the finalizers it queues (ArrayPool's trimming runs after a full
/// collection) are waited for, and a second collection takes what they let go.
/// </summary>
internal static class ManagedRelease
{
    /// <summary>What <see cref="Run"/> calls.</summary>
    internal const string Call = "GC.Collect(2, Aggressive) x2";

    internal static void Run()
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
    }
}
