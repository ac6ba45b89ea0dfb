using System.Text.Json.Nodes;
using Workbench.Benchmarks.Model;
using Workbench.Benchmarks.Results;
using Workbench.Benchmarks.Runner;

namespace Workbench.Benchmarks.Tests;

/// <summary>A knob's name in a sweep, NAME or BENCHMARK.NAME: one type from the command line and files to the trials.</summary>
public sealed class KnobNameTests
{
    [Theory]
    [InlineData("iterations", null, "iterations")]
    [InlineData("churn.iterations", "churn", "iterations")]
    [InlineData("a.b.c", "a.b", "c")]
    public void ANameReadsAsWrittenAndWritesBackTheSame(string text, string? benchmark, string name)
    {
        KnobName knob = KnobName.Parse(text);
        Assert.Equal(new KnobName(benchmark, name), knob);
        Assert.Equal(text, knob.ToString());
        Assert.True(knob.AppliesTo(benchmark ?? "any"));
        Assert.Equal(benchmark is null, knob.AppliesTo("other"));
    }

    [Fact]
    public void ExperimentFilesAndMetadataKeepAScopedKnobAsWritten()
    {
        string folder = TestRuns.NewFolder("knobs");
        string yaml = Path.Combine(folder, "k.yaml");
        File.WriteAllText(yaml, """
            benchmarks: [churn, larson]
            allocators: [bump]
            knobs:
              iterations: [30]
              larson.chunks: [64, 128]
            """);
        string json = Path.Combine(folder, "k.json");
        File.WriteAllText(json, """{ "benchmarks": ["churn", "larson"], "allocators": ["bump"], "knobs": { "iterations": [30], "larson.chunks": [64, 128] } }""");
        SweepDefinition fromYaml = ExperimentFile.Load(yaml);
        Assert.Equal([new KnobName(null, "iterations"), new KnobName("larson", "chunks")], fromYaml.Knobs.Keys);
        List<TrialSpec> plan = SweepPlan.Expand(fromYaml);
        Assert.Equal([64L, 128L], plan.Where(t => t.Benchmark == "larson").Select(t => t.Knobs["chunks"]));
        Assert.Equal(30, plan.Single(t => t.Benchmark == "churn").Knobs["iterations"]);
        Assert.Equal(plan.Select(t => t.Key), SweepPlan.Expand(ExperimentFile.Load(json)).Select(t => t.Key));

        RunMetadata.Write(folder, fromYaml, Shard.All, []);
        JsonNode? knobs = JsonNode.Parse(File.ReadAllText(Path.Combine(folder, RunMetadata.FileName)))?["parameters"]?["knobs"];
        Assert.Equal("""{"iterations":[30],"larson.chunks":[64,128]}""", knobs?.ToJsonString());
    }

    [Fact]
    public void Metadata_records_the_allocator_variables_trials_inherit()
    {
        // A variable glibc ignores (it reads only the MALLOC_ names it knows), so that trials other tests start meanwhile
        // are unchanged; and one no allocator reads, which must be left out.
        const string read = "MALLOC_WORKBENCH_TEST_MARKER", unread = "WORKBENCH_TEST_UNRELATED_MARKER";
        string folder = Directory.CreateTempSubdirectory("workbench-env-").FullName;
        try
        {
            Environment.SetEnvironmentVariable(read, "131072");
            Environment.SetEnvironmentVariable(unread, "1");
            RunMetadata.Write(folder, new SweepDefinition { Name = "env", Benchmarks = ["churn"] }, Shard.All, []);
            JsonNode? environment = JsonNode.Parse(File.ReadAllText(Path.Combine(folder, RunMetadata.FileName)))?["environment"];
            Assert.Equal("131072", environment?[read]?.GetValue<string>());
            Assert.Null(environment?[unread]);
        }
        finally
        {
            Environment.SetEnvironmentVariable(read, null);
            Environment.SetEnvironmentVariable(unread, null);
            Directory.Delete(folder, recursive: true);
        }
    }
}
