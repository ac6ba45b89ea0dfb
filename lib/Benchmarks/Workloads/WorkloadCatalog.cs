namespace Workbench.Benchmarks.Workloads;

/// <summary>Every benchmark of the suite, by name.</summary>
public static class WorkloadCatalog
{
    /// <summary>All workloads, in the order the quick suite runs them.</summary>
    public static IReadOnlyList<Workload> All { get; } =
    [
        new ChurnWorkload(),
        new CacheThrashWorkload(),
        new CacheScratchWorkload(),
        new SpeedWorkload(),
        new MemoryWorkload(),
        new LarsonWorkload(),
        new ThreadTestWorkload(),
        new XmallocTestWorkload(),
        new GlibcSimpleWorkload(),
        new GlibcThreadWorkload(),
        new MleakWorkload(),
        new MallocLargeWorkload(),
        new GivebackWorkload(),
        new MstressWorkload(),
        new RptestWorkload(),
        new ShbenchWorkload(),
        new AllocTestWorkload(),
        new AsyncWorkload(),
        new SecurityWorkload(),
        new LatencyWorkload(),
        new TraceReplayWorkload(),
        new ProgramWorkload(),
    ];

    /// <summary>The workload with this name, or null.</summary>
    public static Workload? Find(string name) => All.FirstOrDefault(w => string.Equals(w.Name, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>The names, comma-separated (for error messages).</summary>
    public static string Names => string.Join(", ", All.Select(w => w.Name));
}
