namespace Workbench.Benchmarks.Workloads;

/// <summary>One parameter of a workload, with its published default and its value under <c>--quick</c>.</summary>
/// <param name="Name">The name used on the command line (<c>--set name=value</c>) and as a results column.</param>
/// <param name="Description">What it changes.</param>
/// <param name="Default">The default (the published suites' value where there is one).</param>
/// <param name="Quick">The value under <c>--quick</c>, small enough for the whole suite to take a minute or two.</param>
/// <param name="Min">The smallest accepted value.</param>
public sealed record Knob(string Name, string Description, long Default, long Quick, long Min = 1);
