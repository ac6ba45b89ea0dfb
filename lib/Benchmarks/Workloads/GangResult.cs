namespace Workbench.Benchmarks.Workloads;

/// <summary>What a <see cref="ThreadGang"/> run gives back.</summary>
/// <param name="ElapsedSeconds">Seconds from the workers' common start to the last one's end.</param>
/// <param name="WorkerCpuMask">The CPUs its first worker was allowed to run on (bit i: CPU i; 0 where it cannot be read): all of them unless the trial was pinned.</param>
public readonly record struct GangResult(double ElapsedSeconds, ulong WorkerCpuMask);
