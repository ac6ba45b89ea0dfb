using System.Diagnostics.CodeAnalysis;
using Workbench.Allocator.Probe.Scenarios;

namespace Workbench.Allocator.Probe;

/// <summary>
/// Every scenario the probe can run, under the name the tests give on the command line. Each name is added once,
/// with Add, so a name registered twice stops the probe as it starts instead of hiding a scenario.
/// </summary>
internal static class ScenarioRegistry
{
    private static readonly Dictionary<string, Action> s_byName = new(StringComparer.Ordinal)
    {
        { "info", Info.Run },
        { "double-free", DoubleFree.Run },
        { "unknown-pointer", UnknownPointer.Run },
        { "header-overwrite", HeaderOverwrite.Run },
        { "overrun", Overrun.Run },
        { "write-after-free", WriteAfterFree.Run },
        { "unfreed-report", UnfreedReport.Run },
        { "unfreed-unchecked", UnfreedUnchecked.Run },
        { "scrub", Scrub.Run },
        { "configure-checked", ConfigureChecked.Run },
        { "configure-options", ConfigureOptions.Run },
        { "env-threshold", EnvThreshold.Run },
        { "noown-basic", NoOwnershipBasic.Run },
        { "noown-stress", NoOwnershipStress.Run },
        { "extension", Extension.Run },
        { "heap-reuse", HeapReuse.Run },
        { "trim-pooled", TrimPooled.Run },
        { "trim-exited", TrimExited.Run },
        { "mapping-cache-follows", MappingCacheFollows.Run },
        { "checked-stress", CheckedStress.Run },
        { "top-pad", Extension.RunWithTopPad },
        { "noown-churn", NoOwnershipChurn.Run },
        { "precompile-off", () => Precompile.Run(precompile: false) },
        { "precompile-on", () => Precompile.Run(precompile: true) },
        { "heap-invariants", HeapInvariantsOnSlowPaths.Run },
        { "pool-yield", PoolYield.Run },
        { "prefault", Prefault.Run },
        { "realloc-last-carved", ReallocLastCarved.Run },
        { "realloc-past-threshold", ReallocPastThreshold.Run },
        { "double-free-random", DoubleFreeRandom.Run },
        { "free-list-link", FreeListLink.Run },
        { "trim-remote", TrimRemote.Run },
        { "realloc-huge", ReallocHuge.Run },
        { "statistics-clear", StatisticsClear.Run },
        { "uncounted-fast-paths", UncountedFastPaths.Run },
    };

    /// <summary>The registered names.</summary>
    public static IEnumerable<string> Names => s_byName.Keys;

    /// <summary>The scenario registered as <paramref name="name"/> (names are case-sensitive).</summary>
    public static bool TryFind(string name, [NotNullWhen(true)] out Action? scenario) => s_byName.TryGetValue(name, out scenario);
}
