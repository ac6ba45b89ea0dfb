using Workbench.Benchmarks.Allocators;
using Workbench.Benchmarks.Sizes;
using Workbench.Benchmarks.Workloads;

namespace Workbench.Benchmarks.Tests;

/// <summary>
/// The security probes run in child processes of the workbench program beside the tests, so a crash ends the child
/// only; the verdicts are what the allocators really do: the crash double dies, the bump floor lets everything pass,
/// cfa-malloc detects in both of its modes.
/// </summary>
public sealed class SecurityWorkloadTests
{
    private static readonly Workload Security = WorkloadCatalog.Find("security")!;

    private static WorkloadResult Probe(string allocator) =>
        Security.RunOn(AllocatorCatalog.Find(allocator)!, new WorkloadContext(1, SizeDistribution.Parse("fixed:64"), 1,
            Security.ResolveKnobs(quick: true, new Dictionary<string, long> { ["follow_up"] = 1000 })));

    private static double Verdict(WorkloadResult result, SecurityProbe probe, bool checkedMode = false) =>
        result.Metrics[SecurityWorkload.Column(probe, checkedMode)];

    [Fact]
    public void AnAllocatorThatDiesOnItsFirstMallocIsACrashOnEveryProbeAndTheRunnerLives()
    {
        WorkloadResult result = Probe("crash");
        foreach (SecurityProbe probe in Enum.GetValues<SecurityProbe>())
        {
            Assert.Equal((int)ProbeVerdict.Crash, Verdict(result, probe));
        }
        Assert.Equal(4, result.Metrics["probes_crashed"]);
        Assert.Equal(4, result.Operations);
    }

    [Fact]
    public void AnAllocatorWithoutChecksLetsEveryMisusePassSilently()
    {
        WorkloadResult result = Probe("bump");
        foreach (SecurityProbe probe in Enum.GetValues<SecurityProbe>())
        {
            Assert.Equal((int)ProbeVerdict.Silent, Verdict(result, probe));
        }
        Assert.False(result.Metrics.ContainsKey("checked_probes_detected"));
    }

    [Fact]
    public void CfaDetectsDoubleAndInteriorFreesInBothModesAndEveryProbeInCheckedMode()
    {
        WorkloadResult result = Probe("cfa");
        Assert.Equal((int)ProbeVerdict.Detected, Verdict(result, SecurityProbe.DoubleFree));
        Assert.Equal((int)ProbeVerdict.Detected, Verdict(result, SecurityProbe.InteriorFree));
        foreach (SecurityProbe probe in Enum.GetValues<SecurityProbe>())
        {
            Assert.Equal((int)ProbeVerdict.Detected, Verdict(result, probe, checkedMode: true));
        }
        Assert.Equal(4, result.Metrics["checked_probes_detected"]);
        Assert.Equal(8, result.Operations);
    }

    [Fact]
    public void CfaReportsItsHeapCorruptionExceptionAsTheDetail()
    {
        ProbeOutcome outcome = SecurityWorkload.Run(AllocatorCatalog.Find("cfa")!, SecurityProbe.DoubleFree, checkedMode: false, new ProbeSettings(64, 32, 10));
        Assert.Equal(ProbeVerdict.Detected, outcome.Verdict);
        Assert.StartsWith("HeapCorruptionException: cfa-malloc: double free at 0x", outcome.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void ManagedArraysHaveNoInteriorPointerAndNoEndToWritePast()
    {
        WorkloadResult result = Probe("gc");
        Assert.Equal((int)ProbeVerdict.NotApplicable, Verdict(result, SecurityProbe.Overflow));
        Assert.Equal((int)ProbeVerdict.NotApplicable, Verdict(result, SecurityProbe.InteriorFree));
        Assert.Equal((int)ProbeVerdict.Silent, Verdict(result, SecurityProbe.DoubleFree));
    }

    [Theory]
    [InlineData(false, 0, new[] { "ARMED", "SILENT", "no error" }, "", ProbeVerdict.Silent)]
    [InlineData(false, 0, new[] { "ARMED", "DETECTED", "HeapCorruptionException: double free" }, "", ProbeVerdict.Detected)]
    [InlineData(false, 134, new[] { "ARMED" }, "free(): double free detected in tcache 2", ProbeVerdict.Detected)]
    [InlineData(false, 134, new[] { "ARMED", "SILENT", "no error" }, "free(): invalid next size (fast)", ProbeVerdict.Detected)]
    [InlineData(false, 139, new[] { "ARMED" }, "", ProbeVerdict.Crash)]
    [InlineData(false, 134, new[] { "ARMED" }, "Process terminated. Fatal error", ProbeVerdict.Crash)]
    [InlineData(false, 134, new string[0], "crash allocator: deliberate crash", ProbeVerdict.Crash)]
    [InlineData(true, -1, new[] { "ARMED" }, "", ProbeVerdict.Crash)]
    [InlineData(false, 0, new[] { "NOT_APPLICABLE", "managed" }, "", ProbeVerdict.NotApplicable)]
    public void TheVerdictComesFromTheProbeProcessExitAndItsLines(bool timedOut, int exitCode, string[] lines, string errors, ProbeVerdict expected)
    {
        Assert.Equal(expected, SecurityWorkload.Judge(timedOut, exitCode, lines, errors).Verdict);
    }

    [Fact]
    public void TheProbesRunOnOneThread()
    {
        Assert.NotNull(Security.Obstacle(AllocatorCatalog.Find("glibc")!, 2, "fixed:64"));
        Assert.Null(Security.Obstacle(AllocatorCatalog.Find("bump")!, 1, "fixed:64"));
    }
}
