using System.CommandLine;
using Workbench.Benchmarks.Model;

namespace Workbench.Cli.Commands;

/// <summary>
/// <c>workbench run BENCHMARK[,BENCHMARK...] --allocators cfa,glibc --threads 1,2 --sizes uniform:16-1024 --repetitions 5 --out data/runs/NAME</c>.
/// </summary>
public static class RunCommand
{
    /// <summary>The command.</summary>
    public static Command Create(CliContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        Argument<string> benchmark = new("benchmark") { Description = "benchmark name(s), comma-separated, or all (see workbench list)" };
        Option<string[]> trace = new("--trace") { Description = "trace file(s) for trace-replay, comma-separated (the same as --sizes trace:FILE), e.g. --trace data/traces/sqlite3.trace" };
        Option<string[]> program = new("--program") { Description = "real program(s) for the program benchmark, comma-separated (the same as --sizes program:NAME), e.g. --program sqlite3,python3 (data/programs)" };
        SweepOptions options = new();
        Command command = new("run", "Run benchmarks over allocators, thread counts, size specs and knob values; results go to data/runs/NAME/results.csv");
        command.Add(benchmark);
        options.AddTo(command);
        command.Add(trace);
        command.Add(program);
        command.SetAction(parse =>
        {
            SweepDefinition definition = new() { Benchmarks = ListParsing.Items([parse.GetValue(benchmark) ?? ""]) };
            options.Apply(parse, definition);
            definition.Sizes.AddRange(ListParsing.Items(parse.GetValue(trace)).Select(t => $"trace:{t}"));
            definition.Sizes.AddRange(ListParsing.Items(parse.GetValue(program)).Select(p => $"program:{p}"));
            string name = parse.GetValue(options.Out) is { Length: > 0 } o
                ? Path.GetFileName(Path.TrimEndingDirectorySeparator(o))
                : SweepOptions.Stamp(string.Join("+", definition.Benchmarks));
            definition.Name = name;
            return SweepExecution.Execute(context, definition, options.RunDirectory(parse, name), options.ShardOf(parse), parse.GetValue(options.Baseline) ?? "glibc", parse.GetValue(options.RetryFailed));
        });
        return command;
    }
}
