namespace Workbench.Benchmarks.Workloads;

/// <summary>A probe's verdict and one line saying what was seen (the allocator's message, the signal, the exception).</summary>
/// <param name="Verdict">What the allocator did about the misuse.</param>
/// <param name="Detail">One line of evidence.</param>
public sealed record ProbeOutcome(ProbeVerdict Verdict, string Detail);
