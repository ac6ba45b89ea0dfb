using System.CommandLine;
using Spectre.Console;
using Workbench.Benchmarks.Results;

namespace Workbench.Cli.Commands;

/// <summary><c>workbench merge OUT RUN1 RUN2 ...</c>: combine the results of shards (or runs) into one run folder.</summary>
public static class MergeCommand
{
    /// <summary>The command.</summary>
    public static Command Create(CliContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        Argument<string> output = new("out") { Description = "the new run folder for the merged results" };
        Argument<string[]> inputs = new("runs") { Description = "run folders or results.csv files to merge", Arity = ArgumentArity.OneOrMore };
        Command command = new("merge", "Merge the results.csv of several shards or runs into one (one row per trial)");
        command.Add(output);
        command.Add(inputs);
        command.SetAction(parse =>
        {
            string target = parse.GetValue(output) ?? "";
            int rows = ResultsMerge.Merge(parse.GetValue(inputs) ?? [], target);
            context.Console.WriteLine($"merged {rows} trials into {target}");
            return ExitCodes.Ok;
        });
        return command;
    }
}
