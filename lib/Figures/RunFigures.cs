namespace Workbench.Figures;

/// <summary>Every figure a run supports, in a fixed order (what <c>workbench figures RUN</c> writes).</summary>
public static class RunFigures
{
    /// <summary>The benchmarks whose figure is the false-sharing speed-up.</summary>
    public static IReadOnlyList<string> FalseSharing { get; } = ["cache-thrash", "cache-scratch"];

    /// <summary>
    /// The figures of a run: relative time and relative peak RSS to the baseline over every benchmark, and relative peak
    /// heap + mmap where measured; cfa against the best native peer of
    /// every configuration (when the run has cfa); per benchmark, throughput
    /// against threads (with two or more thread counts) and the repetitions' box plot; the false-sharing
    /// speed-up for cache-thrash and cache-scratch; memory over time, one panel per allocator, for each
    /// configuration of the benchmarks with series (memory, mleak, trace-replay); the time per call of each routine for speed; latency percentiles and tail CDF for malloc and free; a size x threads heatmap per allocator for
    /// benchmarks swept over two or more size distributions. On a run whose trials ran on more than one CPU model,
    /// every figure says so (<see cref="HardwareNote"/>). <paramref name="baseline"/> null means glibc when the run has it,
    /// else its first allocator; each figure is fitted to <paramref name="size"/> when one is given.
    /// </summary>
    /// <exception cref="ChartInputException">The run has no allocator named <paramref name="baseline"/>.</exception>
    public static List<Figure> All(RunData run, string? baseline = null, FigureSize? size = null)
    {
        ArgumentNullException.ThrowIfNull(run);
        if (run.Allocators.Count == 0)
        {
            return [];
        }
        baseline ??= run.Allocators.Contains("glibc") ? "glibc" : run.Allocators[0];
        ChartArguments.Allocator(run, baseline, "baseline");
        // Peak RSS beside time for every benchmark (trace replays and real programs included), as mimalloc-bench reports them.
        // And the allocator's own peak memory (brk heap and mmap over the runtime's baseline) where the run measured it
        // (every trial's sampler since 2026-12-04): the overhead the whole process's RSS hides.
        List<Figure?> figures = [Charts.RelativeToBaseline(run, baseline)];
        foreach (string metric in new[] { "peak_rss_kib", "peak_allocator_kib" })
        {
            if (run.Ok.Any(r => double.IsFinite(r.Number(metric))))
            {
                figures.Add(Charts.RelativeToBaseline(run, baseline, metric: metric));
            }
        }
        if (run.Allocators.Contains("cfa"))
        {
            figures.Add(Charts.VersusBestPeer(run, "cfa"));
        }
        foreach (string benchmark in run.Benchmarks)
        {
            bool severalThreads = run.Of(benchmark).Select(r => r.Threads).Distinct().Count() > 1;
            if (FalseSharing.Contains(benchmark))
            {
                figures.Add(Charts.FalseSharingSpeedup(run, benchmark));
            }
            else if (severalThreads)
            {
                figures.Add(Charts.ThreadScaling(run, benchmark));
            }
            figures.Add(Charts.Repetitions(run, benchmark));
            if (benchmark is "memory" or "mleak" or "trace-replay")
            {
                IReadOnlyList<string> configurations = Shaping.MemoryOverTimeData.Configurations(run, benchmark);
                foreach (string configuration in configurations)
                {
                    Figure? memory = Charts.MemoryOverTime(run, benchmark, configuration: configuration);
                    // One figure per configuration, named apart when there are several.
                    int index = figures.Count(f => f?.Name.StartsWith($"{benchmark}-over-time", StringComparison.Ordinal) == true);
                    figures.Add(memory is not null && configurations.Count > 1 ? memory with { Name = $"{memory.Name}-{index + 1}" } : memory);
                }
            }
            if (benchmark == "speed")
            {
                figures.Add(Charts.SpeedRoutines(run));
                figures.Add(Charts.SpeedChains(run));
            }
            if (benchmark == "latency")
            {
                foreach (string operation in new[] { "malloc", "free" })
                {
                    figures.Add(Charts.LatencyPercentiles(run, operation));
                    figures.Add(Charts.LatencyCdf(run, operation));
                }
            }
            // A heatmap only where the benchmark ran two or more sizes at two or more thread counts: a 5 x 1 grid (trace
            // replays, one per trace, at one thread count) is a bar chart in one colour, which the relative chart draws better.
            if (run.Of(benchmark).Select(r => r.Sizes).Distinct().Count() > 1 && severalThreads)
            {
                foreach (string allocator in run.Allocators.Where(a => a != baseline))
                {
                    figures.Add(Charts.SizeThreadsHeatmap(run, benchmark, allocator, baseline));
                }
            }
        }
        List<Figure> drawn = HardwareNote.Add([.. figures.OfType<Figure>()], run);
        return size is null ? drawn : [.. drawn.Select(f => f.Sized(size))];
    }

    /// <summary>
    /// Writes every figure of a run folder into <paramref name="outputDirectory"/> (what <c>workbench figures RUN</c>
    /// does): HTML always (sharing one plotly.js in the folder unless <paramref name="sharedScript"/> is false); SVG, PNG
    /// and PDF when Chromium is there, else one line to <paramref name="log"/> says why. Returns the figures and the files written.
    /// </summary>
    /// <exception cref="ChartInputException">The run has no allocator named <paramref name="baseline"/>.</exception>
    public static async Task<(List<Figure> Figures, List<string> Files)> ExportAsync(string run, string outputDirectory,
        string? baseline = null, ExportFormats formats = ExportFormats.All, TextWriter? log = null, FigureSize? size = null, bool sharedScript = true)
    {
        RunData data = RunData.Load(run);
        List<Figure> figures = All(data, baseline, size);
        await using FigureExporter exporter = new();
        List<string> files = await exporter.ExportAllAsync(figures, outputDirectory, formats, log, sharedScript).ConfigureAwait(false);
        return (figures, files);
    }
}
