using Workbench.Benchmarks.Model;
using Workbench.Benchmarks.Runner;
using Workbench.Benchmarks.Workloads;

namespace Workbench.Benchmarks.Tests;

/// <summary>Every knob declares its range beside its declaration, and its default and quick values lie in it.</summary>
public sealed class KnobRangeTests
{
    [Fact]
    public void EveryKnobsDefaultQuickAndPrimingValuesAreInItsRange()
    {
        foreach (Workload workload in WorkloadCatalog.All)
        {
            Dictionary<string, long> prime = workload.PrimeKnobs();
            foreach (Knob knob in workload.Knobs)
            {
                string name = $"{workload.Name}.{knob.Name}";
                Assert.True(knob.Min <= knob.Max, $"{name}: range {knob.Min}..{knob.Max}");
                Assert.True(knob.Problem(new KnobName(workload.Name, knob.Name), knob.Default) is null, $"{name}: default {knob.Default} is outside {knob.Min}..{knob.Max}");
                Assert.True(knob.Problem(new KnobName(workload.Name, knob.Name), knob.Quick) is null, $"{name}: quick {knob.Quick} is outside {knob.Min}..{knob.Max}");
                Assert.InRange(prime[knob.Name], knob.Min, knob.Max);
            }
        }
    }

    [Fact]
    public void ThePlanChecksEveryValueOfASweptKnob()
    {
        SweepDefinition definition = new()
        {
            Benchmarks = ["churn", "latency"],
            Allocators = ["bump"],
            Knobs = new() { [new KnobName(null, "slots")] = [1000, 1_000_001] },
        };
        UsageException e = Assert.Throws<UsageException>(() => SweepPlan.Expand(definition));
        Assert.Equal("bad value 1000001 for knob 'slots': it must be a whole number from 1 to 1000000; write e.g. --set slots=1000 (its default)", e.Message);
        definition.Knobs[new KnobName(null, "slots")] = [1, 1_000_000];
        Assert.NotEmpty(SweepPlan.Expand(definition));
    }

    [Fact]
    public void EveryCommittedExperimentFileIsWithinTheRanges()
    {
        string folder = RepositoryPaths.FindFolder("data/experiments") ?? throw new DirectoryNotFoundException("data/experiments is not in the repository");
        string[] files = Directory.GetFiles(folder, "*.yaml");
        Assert.NotEmpty(files);
        foreach (string file in files)
        {
            SweepDefinition definition = ExperimentFile.Load(file);
            Assert.NotEmpty(SweepPlan.Expand(definition));
        }
    }
}
