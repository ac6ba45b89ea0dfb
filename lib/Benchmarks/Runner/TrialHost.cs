using System.Runtime.CompilerServices;
using Workbench.Benchmarks.Allocators;
using Workbench.Benchmarks.Model;
using Workbench.Benchmarks.Platform;
using Workbench.Benchmarks.Sizes;
using Workbench.Benchmarks.Workloads;

namespace Workbench.Benchmarks.Runner;

/// <summary>Runs one trial inside the current process (the trial process, or the runner itself in in-process mode).</summary>
public static class TrialHost
{
    /// <summary>
    /// Runs the trial: warm-up runs, then the measured run with the RSS sampler going. In a trial process
    /// (<paramref name="wholeProcess"/>) CPU time, peak RSS and faults are the whole process's, as
    /// mimalloc-bench measures; in process they are the difference over the measured run.
    /// A failure is returned as a failed result, never thrown.
    /// </summary>
    public static TrialResult Execute(TrialSpec spec, bool wholeProcess)
    {
        ArgumentNullException.ThrowIfNull(spec);
        TrialResult result = new()
        {
            Process = Environment.ProcessPath ?? "",
            Compiled = RuntimeFeature.IsDynamicCodeCompiled ? TrialResult.JitCompiled : TrialResult.AheadOfTime,
        };
        try
        {
            Workload workload = WorkloadCatalog.Find(spec.Benchmark)
                ?? throw new ArgumentException($"unknown benchmark '{spec.Benchmark}'");
            SizeDistribution sizes = SizeDistribution.Parse(spec.Sizes);
            WorkloadContext context = new(spec.Threads, sizes, spec.Seed, spec.Knobs);
            AllocatorInfo allocator = AllocatorCatalog.Find(spec.Allocator)
                ?? throw new ArgumentException($"unknown allocator '{spec.Allocator}': use one of {AllocatorCatalog.Names}");
            if (!workload.RunsOutside)
            {
                AllocatorCatalog.Prepare(spec.Allocator);
            }
            // A program that runs outside has no compilation to prime: its first run is a measured run like any other.
            if (spec.Prime && !workload.RunsOutside)
            {
                workload.RunOn(allocator, new WorkloadContext(spec.Threads, sizes, spec.Seed, workload.PrimeKnobs()));
            }
            for (int w = 0; w < spec.Warmup; w++)
            {
                workload.RunOn(allocator, context);
            }
            ResourceUsage before = ResourceUsage.OfSelf();
            WorkloadResult run;
            IReadOnlyList<SeriesPoint> samples;
            double sampledPeakAllocatorKib;
            // The sampler reads this process's memory: for a program that runs outside it would sample nothing of the program.
            using (RssSampler sampler = new(workload.RunsOutside ? 0 : spec.SampleMs))
            {
                run = workload.RunOn(allocator, context);
                sampler.Dispose();
                samples = sampler.Points;
                sampledPeakAllocatorKib = sampler.PeakAllocatorKib;
            }
            ResourceUsage after = ResourceUsage.OfSelf();
            ResourceUsage usage = run.Usage ?? (wholeProcess ? after : ResourceUsage.Delta(before, after));
            result.Status = TrialStatus.Ok;
            result.ElapsedSeconds = run.ElapsedSeconds;
            result.Operations = run.Operations;
            result.UserSeconds = usage.UserSeconds;
            result.SystemSeconds = usage.SystemSeconds;
            result.PeakRssKib = usage.MaxRssKib;
            result.PageFaults = usage.MajorFaults;
            result.PageReclaims = usage.MinorFaults;
            // Every benchmark's peak heap + mmap over the runtime's baseline, from the sampler, unless the workload
            // measured its own more finely (memory, trace-replay).
            if (double.IsFinite(sampledPeakAllocatorKib))
            {
                result.Metrics["peak_allocator_kib"] = sampledPeakAllocatorKib;
            }
            foreach ((string name, double value) in run.Metrics)
            {
                result.Metrics[name] = value;
            }
            foreach ((string name, double value) in AllocatorCatalog.SelfStatistics(spec.Allocator))
            {
                result.Metrics[name] = value;
            }
            // The CPUs the workload's threads were allowed: all of them unless the trial was pinned (--cpus).
            result.Metrics["worker_cpu_mask"] = run.WorkerCpuMask;
            result.Series.AddRange(run.Series);
            result.Latency.AddRange(run.Latency);
            result.Samples.AddRange(samples);
        }
        catch (Exception e)
        {
            result.Status = TrialStatus.Failed;
            result.Message = Describe(e);
        }
        return result;
    }

    /// <summary>One line for an exception: the innermost cause's type and message.</summary>
    public static string Describe(Exception e)
    {
        ArgumentNullException.ThrowIfNull(e);
        while (e is AggregateException { InnerExceptions.Count: > 0 } aggregate)
        {
            e = aggregate.InnerExceptions[0];
        }
        return $"{e.GetType().Name}: {e.Message}".ReplaceLineEndings(" ");
    }
}
