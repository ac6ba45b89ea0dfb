using Workbench.Benchmarks.Model;
using Workbench.Benchmarks.Results;

namespace Workbench.Benchmarks.Tests;

/// <summary>What a run keeps on disk besides its rows: exact counts, one series file, a name that is its folder, the index.</summary>
public sealed class RunRecordTests
{
    private static TrialRecord Trial(string benchmark, int repetition, bool withSeries)
    {
        TrialSpec spec = new() { Benchmark = benchmark, Allocator = "glibc", Threads = 1, Sizes = "fixed:64", Repetition = repetition, Knobs = new SortedDictionary<string, long>(StringComparer.Ordinal) };
        TrialResult r = new()
        {
            Status = TrialStatus.Ok,
            ElapsedSeconds = 0.5,
            Operations = 1000,
        };
        if (withSeries)
        {
            r.Series.Add(new SeriesPoint(0.1, 4000, 100_000));
            r.Series.Add(new SeriesPoint(0.2, 5000, 200_000));
            r.Samples.Add(new SeriesPoint(0.15, 4500, -1));
        }
        else
        {
            r.Samples.Add(new SeriesPoint(0.15, 4500, -1));
        }
        return new TrialRecord(spec, r, Isolated: true, FinishedUtc: "2026-01-01T00:00:00Z");
    }

    [Fact]
    public void ACountIsWrittenExactly_AndAFractionToSixDigits()
    {
        string folder = TestRuns.NewFolder("exact");
        ResultsFile file = new(Path.Combine(folder, "results.csv"));
        TrialRecord trial = Trial("churn", 1, withSeries: false);
        trial.Result.Metrics["cfa_malloc_calls"] = 3_200_161;
        trial.Result.Metrics["speed_malloc_free_ns"] = 2.123456789;
        file.Append(trial);
        string row = File.ReadLines(file.Path).Last();
        Assert.Contains(",3200161", row, StringComparison.Ordinal);
        Assert.DoesNotContain("E+", row, StringComparison.Ordinal);
        Assert.Contains(",2.12346", row, StringComparison.Ordinal);
    }

    [Fact]
    public void OneSeriesFilePerRun_HoldsOnlyTheTrialsWhoseWorkloadSampled()
    {
        string folder = TestRuns.NewFolder("series");
        TrialRecord memory = Trial("memory", 1, withSeries: true);
        Assert.True(SeriesFile.Append(folder, memory));
        Assert.False(SeriesFile.Append(folder, Trial("churn", 1, withSeries: false)));
        Assert.True(SeriesFile.Append(folder, Trial("memory", 2, withSeries: true)));
        Assert.Equal([SeriesFile.FileName], Directory.GetFiles(folder).Select(Path.GetFileName));
        Assert.Equal(SeriesFile.Header, File.ReadLines(Path.Combine(folder, SeriesFile.FileName)).First());

        Dictionary<string, List<SeriesLine>> read = SeriesFile.Read(folder);
        Assert.Equal(2, read.Count);
        List<SeriesLine> first = read[memory.Spec.FileName];
        Assert.Equal([new SeriesLine(0.1, 4000, 100_000, "workload"), new SeriesLine(0.2, 5000, 200_000, "workload"), new SeriesLine(0.15, 4500, -1, "sampler")], first);
    }

    [Fact]
    public void HeapAndMmapOverTheBaselineSurviveTheTrialLineAndTheSeriesFile()
    {
        TrialRecord trial = Trial("memory", 1, withSeries: false);
        trial.Result.Series.Add(new SeriesPoint(0, 40_000, 0, 0, 0));
        trial.Result.Series.Add(new SeriesPoint(0.1, 52_000, 8_388_608, -4, 10_240));
        trial.Result.Series.Add(new SeriesPoint(0.2, 41_000, 0));
        // The trial process's JSON line, as the runner reads it back.
        TrialResult back = System.Text.Json.JsonSerializer.Deserialize<TrialResult>(System.Text.Json.JsonSerializer.Serialize(trial.Result))!;
        Assert.Equal(trial.Result.Series, back.Series);
        Assert.Equal(new SeriesPoint(0.15, 4500, -1), back.Samples.Single());

        string folder = TestRuns.NewFolder("heap-mmap");
        Assert.True(SeriesFile.Append(folder, trial));
        List<SeriesLine> read = SeriesFile.Read(folder)[trial.Spec.FileName];
        Assert.Equal([(0L, 0L), (-4L, 10_240L)], read.Take(2).Select(l => (l.HeapKib!.Value, l.MmapKib!.Value)));
        Assert.Null(read[2].HeapKib);
        Assert.Null(read[3].MmapKib);
        Assert.Equal("sampler", read[3].Source);
    }

    [Fact]
    public void ARunWrittenBeforeTheOneFileForm_IsStillRead()
    {
        string folder = TestRuns.NewFolder("old-series");
        Directory.CreateDirectory(Path.Combine(folder, SeriesFile.OldFolder));
        File.WriteAllLines(Path.Combine(folder, SeriesFile.OldFolder, "memory_glibc_1_fixed_64_1.csv"), ["seconds,rss_kib,requested_bytes,source", "0.5,7000,123,workload"]);
        Assert.Equal([new SeriesLine(0.5, 7000, 123, "workload")], SeriesFile.Read(folder)["memory_glibc_1_fixed_64_1"]);
    }

    [Fact]
    public void AMerge_CarriesTheChosenTrialsSeries()
    {
        string a = TestRuns.NewFolder("merge-a");
        string b = TestRuns.NewFolder("merge-b");
        TrialRecord first = Trial("memory", 1, withSeries: true);
        TrialRecord second = Trial("memory", 2, withSeries: true);
        new ResultsFile(Path.Combine(a, "results.csv")).Append(first);
        SeriesFile.Append(a, first);
        new ResultsFile(Path.Combine(b, "results.csv")).Append(second);
        SeriesFile.Append(b, second);
        string merged = Path.Combine(TestRuns.NewFolder("merged"), "run");
        Assert.Equal(2, ResultsMerge.Merge([a, b], merged));
        Dictionary<string, List<SeriesLine>> series = SeriesFile.Read(merged);
        Assert.Equal(3, series[first.Spec.FileName].Count);
        Assert.Equal(3, series[second.Spec.FileName].Count);
    }

    [Fact]
    public void ARunsName_IsItsFolder_AndItsExperimentIsWhatItRan()
    {
        string folder = Path.Combine(TestRuns.NewFolder("meta"), "my-run");
        Directory.CreateDirectory(folder);
        RunMetadata.Write(folder, new SweepDefinition { Name = "some-experiment", Benchmarks = ["churn"] }, Shard.All, ["sweep", "x.yaml"]);
        using System.Text.Json.JsonDocument json = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, RunMetadata.FileName)));
        Assert.Equal("my-run", json.RootElement.GetProperty("name").GetString());
        Assert.Equal("some-experiment", json.RootElement.GetProperty("experiment").GetString());
    }

    [Fact]
    public void TheIndex_ListsEveryRunWithItsExperimentAndWhatCitesIt()
    {
        string root = TestRuns.NewFolder("repo");
        string runs = Path.Combine(root, "data", "runs");
        foreach (string run in new[] { "alpha", "beta", "quick-20260101" })
        {
            string folder = Path.Combine(runs, run);
            Directory.CreateDirectory(folder);
            new ResultsFile(Path.Combine(folder, "results.csv")).Append(Trial("churn", 1, withSeries: false));
            RunMetadata.Write(folder, new SweepDefinition { Name = "exp-" + run, Benchmarks = ["churn"] }, Shard.All, []);
        }
        Directory.CreateDirectory(Path.Combine(root, "docs"));
        File.WriteAllText(Path.Combine(root, "docs", "results.md"), "see data/runs/alpha and data/runs/alphabet\n");
        string index = RunIndex.Build(runs, root);
        string alpha = index.Split('\n').Single(l => l.StartsWith("| `alpha`", StringComparison.Ordinal));
        Assert.Contains("exp-alpha", alpha, StringComparison.Ordinal);
        Assert.Contains("`docs/results.md`", alpha, StringComparison.Ordinal);
        Assert.Contains("| 1 (1) |", alpha, StringComparison.Ordinal);
        string beta = index.Split('\n').Single(l => l.StartsWith("| `beta`", StringComparison.Ordinal));
        Assert.EndsWith("| - |", beta, StringComparison.Ordinal);
        Assert.DoesNotContain("quick-", index, StringComparison.Ordinal);
    }

    [Fact]
    public void TheIndex_NamesTheFileAndLineOfABrokenMetadataFile()
    {
        string root = TestRuns.NewFolder("repo-broken");
        string folder = Path.Combine(root, "data", "runs", "alpha");
        Directory.CreateDirectory(folder);
        new ResultsFile(Path.Combine(folder, "results.csv")).Append(Trial("churn", 1, withSeries: false));
        string metadata = Path.Combine(folder, RunMetadata.FileName);
        File.WriteAllText(metadata, "{\n  \"experiment\": \"x\",\n  oops\n}\n");
        UsageException e = Assert.Throws<UsageException>(() => RunIndex.Build(Path.Combine(root, "data", "runs"), root));
        Assert.StartsWith($"{metadata}:3: not valid JSON (", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("\n", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TheCommittedIndex_IsUpToDate()
    {
        string runs = RepositoryPaths.FindFolder("data/runs")!;
        string root = Path.GetFullPath(Path.Combine(runs, "..", ".."));
        string committed = File.ReadAllText(Path.Combine(runs, RunIndex.FileName));
        Assert.True(committed == RunIndex.Build(runs, root), "data/runs/INDEX.md is out of date: run `workbench index` and commit it");
    }
}
