using Workbench.Benchmarks.Tests;

namespace Workbench.Cli.Tests;

/// <summary>
/// Bad values that once reached a trial or an internal exception (a JSON or TimeSpan error, ArgumentNullException, a
/// redraw loop that never ended, 8.4 GB read from /dev/zero): each is refused by the plan before any trial starts, with
/// one line on standard error that names the setting, the value, the range and what to type, and exit code 2.
/// </summary>
public sealed class BadValueTests
{
    private static readonly string Folder = TestRuns.NewFolder("bad-values");

    private static (int Code, string Out, string Err) Run(params string[] args)
    {
        // A bad value once made the command spin for ever: give up after 30 s rather than hang the test run.
        Task<(int, string, string)> run = Task.Run(() =>
        {
            using StringWriter output = new();
            using StringWriter error = new();
            int code = CliApp.Run(args, output, error);
            return (code, output.ToString(), error.ToString());
        });
        Assert.True(run.Wait(TimeSpan.FromSeconds(30)), $"workbench {string.Join(' ', args)} did not finish in 30 s");
        return run.Result;
    }

    private static void AssertRefused(string expected, string[] args)
    {
        string output = Path.Combine(Folder, Guid.NewGuid().ToString("N"));
        (int code, string stdout, string error) = Run([.. args, "--out", output]);
        Assert.True(code == ExitCodes.Usage, $"exit code {code}; stderr: {error}");
        Assert.Contains(expected, error, StringComparison.Ordinal);
        Assert.StartsWith("workbench: ", error, StringComparison.Ordinal);
        Assert.Single(error.TrimEnd('\n').Split('\n'));
        Assert.DoesNotContain("   at ", error, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", stdout + error, StringComparison.Ordinal);
        // Refused by the plan: no trial ran, so no results were written.
        Assert.False(File.Exists(Path.Combine(output, "results.csv")), "a trial ran");
    }

    [Theory]
    [InlineData("bad timeout Infinity (--timeout, or timeout_seconds in an experiment file): it must be a number of seconds from 0.001 to 604800 (a week); write e.g. --timeout 600", "--timeout", "Infinity")]
    [InlineData("bad timeout 1E+300 (--timeout", "--timeout", "1e300")]
    [InlineData("bad timeout 0 (--timeout", "--timeout", "0")]
    [InlineData("bad sampling interval 3600000 (--sample-ms, or sample_ms in an experiment file): it must be from 0 (no sampling) to 60000 milliseconds", "--sample-ms", "3600000")]
    [InlineData("bad repetitions 2000000000 (--repetitions, or repetitions in an experiment file): it must be from 1 to 10000; write e.g. --repetitions 5", "--repetitions", "2000000000")]
    [InlineData("bad warmup 2000000000 (--warmup, or warmup in an experiment file): it must be from 0 to 1000 untimed runs", "--warmup", "2000000000")]
    [InlineData("bad value 2147483648 for knob 'churn.slots': it must be a whole number from 1 to 1000000; write e.g. --set churn.slots=1000 (its default)", "--set", "churn.slots=2147483648")]
    [InlineData("bad value 9223372036854775807 for knob 'churn.iterations': it must be a whole number from 1 to 10000000000; write e.g. --set churn.iterations=2000000", "--set", "churn.iterations=9223372036854775807")]
    [InlineData("bad value 0 for knob 'slots': it must be a whole number from 1 to 1000000", "--set", "slots=0")]
    [InlineData("bad size spec 'pareto:8-1024:1E-300': with ALPHA 1E-300 only a 4.85E-300 share of draws falls in 8-1024", "--sizes", "pareto:8-1024:1e-300")]
    [InlineData("for this range ALPHA must be at least 0.000206: write e.g. pareto:8-1024:1", "--sizes", "pareto:8-1024:0.0001")]
    [InlineData("size histogram '/dev/zero' is not a regular file (a device, a FIFO or a directory): write file:PATH with a plain text file", "--sizes", "file:/dev/zero")]
    public void ABadChurnValueIsRefusedBeforeAnyTrial(string expected, params string[] args) =>
        // In process, as the other cases, but for a timeout, which only trials in processes of their own can have.
        AssertRefused(expected, ["run", "churn", "--allocators", "bump", .. (args[0] == "--timeout" ? Array.Empty<string>() : ["--in-process"]), "--quick", "--threads", "1", .. args]);

    [Theory]
    [InlineData("bad value 2147483648 for knob 'memory.objects': it must be a whole number from 1 to 1000000", "memory", "memory.objects=2147483648")]
    [InlineData("bad value 100000000000 for knob 'speed.batch': it must be a whole number from 1 to 1000000", "speed", "speed.batch=100000000000")]
    [InlineData("bad value 48 for knob 'speed.alignment': it must be a whole number, a power of two, from 16 to 1048576; write e.g. --set speed.alignment=64 (its default)", "speed", "speed.alignment=48")]
    [InlineData("bad value 2 for knob 'trace-replay.verify': it must be a whole number from 0 to 1", "trace-replay", "trace-replay.verify=2")]
    public void AKnobOutOfItsRangeIsRefusedBeforeAnyTrial(string expected, string benchmark, string setting) =>
        AssertRefused(expected, ["run", benchmark, "--allocators", "bump", "--in-process", "--quick", "--set", setting]);

    [Fact]
    public void ASizeFileLargerThanTheCapIsRefused()
    {
        string big = Path.Combine(Folder, "big-histogram.txt");
        using (StreamWriter writer = new(big))
        {
            for (int i = 0; i < 2_000_000; i++)
            {
                writer.Write("64 1000000\n");
            }
        }
        AssertRefused($"size histogram '{big}' is larger than 16777216 bytes (16 MiB), the most this reads", ["run", "churn", "--allocators", "bump", "--in-process", "--quick", "--sizes", $"file:{big}"]);
    }

    [Fact]
    public void AnExperimentFileThatIsADeviceOrAFifoIsRefused()
    {
        // /dev/zero filled the memory (OutOfMemoryException); a FIFO without a writer blocked for ever.
        string zeros = SpecialFiles.EndlessZeros(Path.Combine(Folder, $"zeros-{Guid.NewGuid():N}.yaml"));
        AssertRefused($"experiment file '{zeros}' is not a regular file of at most 1048576 bytes", ["sweep", zeros]);
        string fifo = SpecialFiles.Fifo(Path.Combine(Folder, $"fifo-{Guid.NewGuid():N}.yaml"));
        AssertRefused($"experiment file '{fifo}' is not a regular file", ["sweep", fifo]);
        string fifoSizes = SpecialFiles.Fifo(Path.Combine(Folder, $"fifo-{Guid.NewGuid():N}.txt"));
        AssertRefused($"size histogram '{fifoSizes}' is not a regular file", ["run", "churn", "--allocators", "bump", "--in-process", "--sizes", $"file:{fifoSizes}"]);
    }

    [Theory]
    [InlineData("inf.yaml", "benchmarks: [churn]\nallocators: [bump]\nquick: true\ntimeout_seconds: .inf\n", "bad timeout Infinity (--timeout, or timeout_seconds in an experiment file)")]
    [InlineData("big.json", "{\"benchmarks\": [\"churn\"], \"allocators\": [\"bump\"], \"timeout_seconds\": 1e300}", "bad timeout 1E+300")]
    [InlineData("null-benchmarks.yaml", "benchmarks:\nallocators: [bump]\nin_process: true\n", "'benchmarks' has no value (null): write a list, e.g. benchmarks: [churn], or [] for the default, or leave the line out")]
    [InlineData("null-sizes.json", "{\"benchmarks\": [\"churn\"], \"allocators\": [\"bump\"], \"sizes\": null}", "'sizes' has no value (null)")]
    [InlineData("null-threads.json", "{\"benchmarks\": [\"churn\"], \"allocators\": [\"bump\"], \"threads\": null}", "'threads' has no value (null)")]
    [InlineData("null-cpus.yaml", "benchmarks: [churn]\nallocators: [bump]\ncpus:\n", "'cpus' has no value (null)")]
    [InlineData("null-knobs.json", "{\"benchmarks\": [\"churn\"], \"allocators\": [\"bump\"], \"knobs\": null}", "'knobs' has no value (null)")]
    [InlineData("null-knob.yaml", "benchmarks: [churn]\nallocators: [bump]\nknobs: { iterations: }\n", "knob 'iterations' has no value: write --set iterations=VALUE, or in an experiment file knobs: { iterations: [VALUE] }")]
    [InlineData("null-knob.json", "{\"benchmarks\": [\"churn\"], \"allocators\": [\"bump\"], \"knobs\": {\"churn.iterations\": null}}", "knob 'churn.iterations' has no value")]
    [InlineData("null-item.yaml", "benchmarks: [churn, ~]\nallocators: [bump]\n", "'benchmarks' has an empty item (item 2)")]
    [InlineData("negative-sample.yaml", "benchmarks: [churn]\nallocators: [bump]\nsample_ms: -5\n", "bad sampling interval -5 (--sample-ms, or sample_ms in an experiment file)")]
    [InlineData("knob.yaml", "benchmarks: [churn]\nallocators: [bump]\nin_process: true\nknobs: { churn.slots: [2147483648] }\n", "bad value 2147483648 for knob 'churn.slots'")]
    public void ABadExperimentFileIsRefusedBeforeAnyTrial(string name, string text, string expected)
    {
        string file = Path.Combine(Folder, name);
        File.WriteAllText(file, text);
        AssertRefused(expected, ["sweep", file]);
    }
}
