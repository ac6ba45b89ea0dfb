using Workbench.Benchmarks.Sizes;
using Workbench.Benchmarks.Workloads;

namespace Workbench.Benchmarks.Tests.Published;

/// <summary>Runs a workload on a <see cref="CallLog"/>'s allocator with chosen knobs (the rest at their defaults).</summary>
internal static class Run
{
    public static (WorkloadResult Result, IReadOnlyList<Call> Calls) Logged(string benchmark, int threads, string sizes, Dictionary<string, long> knobs, int seed = 5)
    {
        (WorkloadResult result, CallLog log) = WithLog(benchmark, threads, sizes, knobs, seed);
        return (result, log.Calls);
    }

    /// <summary>Runs a workload on a logging allocator and returns the whole log (its calls and the threads' endings).</summary>
    public static (WorkloadResult Result, CallLog Log) WithLog(string benchmark, int threads, string sizes, Dictionary<string, long> knobs, int seed = 5)
    {
        Workload workload = WorkloadCatalog.Find(benchmark)!;
        CallLog log = new();
        WorkloadContext context = new(threads, SizeDistribution.Parse(sizes), seed, workload.ResolveKnobs(quick: false, knobs));
        return (workload.Run(log.Allocator, context), log);
    }

    /// <summary>The knob defaults of a workload, by name.</summary>
    public static Dictionary<string, long> Defaults(string benchmark) =>
        WorkloadCatalog.Find(benchmark)!.Knobs.ToDictionary(k => k.Name, k => k.Default);

    /// <summary>Every call's block freed exactly once, and nothing freed that was not allocated.</summary>
    public static void AssertEveryBlockFreedOnce(IReadOnlyList<Call> calls)
    {
        Dictionary<nint, int> live = [];
        foreach (Call call in calls)
        {
            if (call.Kind == CallKind.Free)
            {
                Assert.True(live.Remove(call.Address), $"call {call.Order} frees {call.Address:x}, which is not live");
            }
            else
            {
                Assert.True(live.TryAdd(call.Address, 1), $"call {call.Order} returned {call.Address:x}, which is live");
            }
        }
        Assert.Empty(live);
    }
}
