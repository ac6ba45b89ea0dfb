using Workbench.Benchmarks.Model;
using Workbench.Benchmarks.Results;

namespace Workbench.Benchmarks.Tests;

/// <summary>The <c>node</c> and <c>cpu_model</c> columns: written with each row, absent from older files that still read and resume.</summary>
public sealed class MachineColumnsTests
{
    private const string OldHeader =
        "benchmark,allocator,threads,sizes,repetition,status,elapsed_s,ops,ns_per_op,user_s,sys_s,peak_rss_kib,page_faults,page_reclaims,iterations,ops_per_s,seed,warmup,isolated,cpus,finished_utc,message,malloc_p99_ns";

    private static TrialRecord Record(int repetition, string node, string cpu)
    {
        TrialSpec spec = new()
        {
            Benchmark = "churn",
            Allocator = "glibc",
            Threads = 1,
            Sizes = "fixed:64",
            Repetition = repetition,
            Knobs = new SortedDictionary<string, long> { ["iterations"] = 10 },
        };
        TrialResult result = new() { Status = TrialStatus.Ok, ElapsedSeconds = 1, Operations = 100 };
        result.Metrics["malloc_p99_ns"] = 7;
        return new TrialRecord(spec, result, Isolated: true, FinishedUtc: "2026-01-01T00:00:00Z") { Node = node, CpuModel = cpu };
    }

    [Fact]
    public void RowsRecordTheNodeAndCpuModel()
    {
        string path = Path.Combine(TestRuns.NewFolder("machine"), "results.csv");
        new ResultsFile(path).Append(Record(1, "node7", "Intel(R) Xeon(R) Gold 6130, 2.10GHz"));
        ResultRow row = ResultsFile.Read(path).Rows.Single();
        Assert.Equal("node7", row.Text("node"));
        Assert.Equal("Intel(R) Xeon(R) Gold 6130, 2.10GHz", row.Text("cpu_model"));
        Assert.Equal(7, row.Number("malloc_p99_ns"));
        Assert.Equal(["iterations"], row.KnobColumns);
    }

    [Fact]
    public void AFileWithoutThemReadsAndAResumedRowGrowsTheHeader()
    {
        string path = Path.Combine(TestRuns.NewFolder("machine-old"), "results.csv");
        File.WriteAllText(path, OldHeader + "\nchurn,glibc,1,fixed:64,1,ok,1,100,10000000,,,,,,10,100,4141,0,1,,2026-01-01T00:00:00Z,,7\n");
        ResultsFile old = ResultsFile.Read(path);
        ResultRow first = old.Rows.Single();
        Assert.Equal(10, first.Knobs["iterations"]);
        Assert.Equal(7, first.Number("malloc_p99_ns"));
        Assert.Equal("", first.Text("node"));
        Assert.Equal(["malloc_p99_ns"], ResultColumns.MetricsOf(old.Header));

        old.Append(Record(2, "vm", "Some CPU"));
        ResultsFile back = ResultsFile.Read(path);
        Assert.Equal(2, back.Rows.Count);
        Assert.Equal("", back.Rows[0].Text("node"));
        Assert.Equal("vm", back.Rows[1].Text("node"));
        Assert.Equal("Some CPU", back.Rows[1].Text("cpu_model"));
        Assert.Equal(7, back.Rows[0].Number("malloc_p99_ns"));
        Assert.Equal(back.Rows[0].Key, first.Key);
    }
}
