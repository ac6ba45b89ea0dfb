using Workbench.Benchmarks.Sizes;
using Workbench.Benchmarks.Workloads;

namespace Workbench.Benchmarks.Tests.Published;

/// <summary>Each benchmark that follows a published program has that program's parameters as its defaults.</summary>
public sealed class PublishedDefaultsTests
{
    public static TheoryData<string, string, string> Published() => new()
    {
        // Hoard: threadtest P 1000 10000 0 8, where 8 Foos of two ints are 64 bytes.
        { "threadtest", "fixed:64", "iterations=1000 objects=10000 work=0 touch=0" },
        // mimalloc-bench: xmalloc-test -w N -t 5 -s 64; OBJECTS_PER_BATCH 4096, batch_count_limit 100.
        { "xmalloc-test", "fixed:64", "duration_ms=5000 batch=4096 in_flight=100 touch=0" },
        // mimalloc-bench's bench-malloc-simple: bench(16), bench(32), bench(64); NUM_ITERS 2,000,000; all four lengths.
        { "glibc-simple", "pow2:16-64", "blocks=0 allocations=2000000 touch=0" },
        // mimalloc-bench's bench-malloc-thread: BENCHMARK_DURATION 2, WORKING_SET_SIZE 1024, sizes 4-32768 inverse-square.
        { "glibc-thread", "invsquare:4-32768", "duration_ms=2000 working_set=1024 touch=0" },
        // mimalloc-bench's malloc-large: kNumIterations 2000, kNumBuffers 20, 5-25 MiB.
        { "malloc-large", "uniform:5242880-26214400", "iterations=2000 live=20 touch=0" },
        // mimalloc-bench: mleak 50 (5000 rounds; mleak 5 is the quick 500), THREADS 10, TRANSFERS 1000, 16 words.
        { "mleak", "fixed:128", "rounds=5000 round_threads=10 slots=1000 touch=0" },
        // mimalloc-bench: larson 5 8 1000 5000 100 4141 N (sizes min + rand % (max - min): 8 to 999).
        { "larson", "uniform:8-999", "duration_ms=5000 chunks=5000 rounds=100 touch=0" },
    };

    [Theory]
    [MemberData(nameof(Published))]
    public void DefaultsAreThePublishedRun(string benchmark, string sizes, string knobs)
    {
        Workload workload = WorkloadCatalog.Find(benchmark)!;
        Assert.Equal(sizes, workload.DefaultSizes);
        Assert.Equal(sizes, SizeDistribution.Parse(workload.DefaultSizes).Spec);
        Dictionary<string, long> expected = knobs.Split(' ').Select(k => k.Split('=')).ToDictionary(k => k[0], k => long.Parse(k[1], System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(expected.OrderBy(k => k.Key), workload.Knobs.ToDictionary(k => k.Name, k => k.Default).OrderBy(k => k.Key));
    }

    [Fact]
    public void TheQuickSuiteRunsMleakAsMleak5()
    {
        Assert.Equal(500, WorkloadCatalog.Find("mleak")!.Knobs.Single(k => k.Name == "rounds").Quick);
    }

    [Fact]
    public void TheTouchKnobIsOneDeclarationWithTheSameRangeEverywhere()
    {
        foreach (string benchmark in Published().Select(row => (string)row[0]))
        {
            Knob touch = WorkloadCatalog.Find(benchmark)!.Knobs.Single(k => k.Name == Touching.Name);
            Assert.Equal((0, 0, 0, 1), (touch.Default, touch.Quick, touch.Min, touch.Max));
        }
    }
}
