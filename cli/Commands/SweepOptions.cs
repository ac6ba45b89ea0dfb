using System.CommandLine;
using System.Globalization;
using Workbench.Benchmarks.Model;
using Workbench.Benchmarks.Sizes;

namespace Workbench.Cli.Commands;

/// <summary>The options shared by run, sweep and quick.</summary>
public sealed class SweepOptions
{
    /// <summary>--allocators.</summary>
    public Option<string[]> Allocators { get; } = new("--allocators", "-a") { Description = "allocators, comma-separated (default: every available one); see workbench list" };

    /// <summary>--threads.</summary>
    public Option<string[]> Threads { get; } = new("--threads", "-t") { Description = "thread counts, comma-separated, e.g. 1,2 (default 1; under --quick each benchmark's quick list)" };

    /// <summary>--sizes.</summary>
    public Option<string[]> Sizes { get; } = new("--sizes", "-s") { Description = $"size specs, comma-separated: {SizeSpecException.Forms} (default: each benchmark's)" };

    /// <summary>--set.</summary>
    public Option<string[]> Set { get; } = new("--set") { Description = "a knob's values, NAME=V1[,V2...]; repeat for several knobs (see workbench list)" };

    /// <summary>--repetitions.</summary>
    public Option<int?> Repetitions { get; } = new("--repetitions", "-r") { Description = "repetitions of every trial (default 1)" };

    /// <summary>--warmup.</summary>
    public Option<int?> Warmup { get; } = new("--warmup") { Description = "untimed runs in the trial process before the measured one (default 0)" };

    /// <summary>--seed.</summary>
    public Option<int?> Seed { get; } = new("--seed") { Description = "seed of the workloads' random choices (default 4141)" };

    /// <summary>--timeout.</summary>
    public Option<double?> Timeout { get; } = new("--timeout") { Description = "per-trial time limit in seconds (default 600)" };

    /// <summary>--quick.</summary>
    public Option<bool> Quick { get; } = new("--quick") { Description = "shrink every benchmark (the knobs' quick values) for smoke tests and CI" };

    /// <summary>--in-process.</summary>
    public Option<bool> InProcess { get; } = new("--in-process") { Description = "run trials inside this process (debugging; no isolation, jemalloc cannot load)" };

    /// <summary>--shard.</summary>
    public Option<string?> Shard { get; } = new("--shard") { Description = "run share i of n of the sweep, e.g. --shard 1/4 (merge the shares with workbench merge)" };

    /// <summary>--out.</summary>
    public Option<string?> Out { get; } = new("--out", "-o") { Description = "the run folder (default data/runs/NAME)" };

    /// <summary>--baseline.</summary>
    public Option<string> Baseline { get; } = new("--baseline") { Description = "allocator the summary compares with", DefaultValueFactory = _ => "glibc" };

    /// <summary>--cpus.</summary>
    public Option<string[]> Cpus { get; } = new("--cpus") { Description = "CPUs to pin trials to, in order of preference, e.g. 0,1: a trial with N threads runs on the first N (default: not pinned)" };

    /// <summary>--sample-ms.</summary>
    public Option<int?> SampleMs { get; } = new("--sample-ms") { Description = "milliseconds between RSS samples in a trial (default 10; 0 for none)" };

    /// <summary>--retry-failed.</summary>
    public Option<bool> RetryFailed { get; } = new("--retry-failed") { Description = "when resuming, run again the trials whose row says failed or timeout (by default they count as done)" };

    /// <summary>Adds the options to a command.</summary>
    public void AddTo(Command command, bool withSelection = true)
    {
        ArgumentNullException.ThrowIfNull(command);
        if (withSelection)
        {
            command.Add(Allocators);
            command.Add(Threads);
            command.Add(Sizes);
            command.Add(Set);
        }
        command.Add(Repetitions);
        command.Add(Warmup);
        command.Add(Seed);
        command.Add(Timeout);
        command.Add(Quick);
        command.Add(InProcess);
        command.Add(Shard);
        command.Add(Out);
        command.Add(Baseline);
        command.Add(SampleMs);
        command.Add(Cpus);
        command.Add(RetryFailed);
    }

    /// <summary>Applies the options given on the command line over a definition.</summary>
    public void Apply(ParseResult parse, SweepDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(parse);
        ArgumentNullException.ThrowIfNull(definition);
        if (parse.GetValue(Allocators) is { Length: > 0 } allocators)
        {
            definition.Allocators = ListParsing.Items(allocators);
        }
        if (parse.GetValue(Threads) is { Length: > 0 } threads)
        {
            definition.Threads = ListParsing.Threads(threads);
        }
        if (parse.GetValue(Sizes) is { Length: > 0 } sizes)
        {
            definition.Sizes = ListParsing.Sizes(sizes);
        }
        if (parse.GetValue(Set) is { Length: > 0 } set)
        {
            foreach ((KnobName name, List<long> values) in ListParsing.Knobs(set))
            {
                definition.Knobs[name] = values;
            }
        }
        definition.Repetitions = parse.GetValue(Repetitions) ?? definition.Repetitions;
        definition.Warmup = parse.GetValue(Warmup) ?? definition.Warmup;
        definition.Seed = parse.GetValue(Seed) ?? definition.Seed;
        definition.TimeoutSeconds = parse.GetValue(Timeout) ?? definition.TimeoutSeconds;
        definition.SampleMs = parse.GetValue(SampleMs) ?? definition.SampleMs;
        if (parse.GetValue(Cpus) is { Length: > 0 } cpus)
        {
            definition.Cpus = ListParsing.Cpus(cpus);
        }
        definition.Quick |= parse.GetValue(Quick);
        definition.InProcess |= parse.GetValue(InProcess);
        if (definition.InProcess && parse.GetValue(Timeout) is not null)
        {
            // A trial in this process cannot be stopped (a thread cannot be killed): the limit would be silently ignored.
            throw new UsageException("--timeout needs trials in their own processes: drop --in-process (or in_process: true) to have a trial killed after --timeout S, or drop --timeout");
        }
    }

    /// <summary>The shard given, or the whole sweep.</summary>
    public Shard ShardOf(ParseResult parse) => parse.GetValue(Shard) is { } text ? Benchmarks.Model.Shard.Parse(text) : Benchmarks.Model.Shard.All;

    /// <summary>The run folder: --out, else data/runs/NAME.</summary>
    public string RunDirectory(ParseResult parse, string name)
    {
        ArgumentNullException.ThrowIfNull(parse);
        return parse.GetValue(Out) is { Length: > 0 } o ? o : Path.Combine("data", "runs", name);
    }

    /// <summary>A timestamped run name.</summary>
    public static string Stamp(string prefix) => $"{prefix}-{DateTime.UtcNow.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture)}";
}
