using System.CommandLine;
using Workbench.Benchmarks.Model;
using Workbench.Benchmarks.Runner;

namespace Workbench.Cli.Commands;

/// <summary><c>workbench sweep EXPERIMENT.yaml|.json</c>: a sweep described in a file; command-line options override it.</summary>
public static class SweepCommand
{
    /// <summary>The command.</summary>
    public static Command Create(CliContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        Argument<string> file = new("experiment") { Description = "experiment file (.json, .yaml or .yml; fields as in docs/benchmarks.md)" };
        SweepOptions options = new();
        Command command = new("sweep", "Run the sweep an experiment file describes; rerunning it resumes where it stopped");
        command.Add(file);
        options.AddTo(command);
        Slurm.SlurmOptions slurm = new();
        slurm.AddTo(command);
        command.SetAction(parse =>
        {
            SweepDefinition definition = ExperimentFile.Load(parse.GetValue(file) ?? "");
            options.Apply(parse, definition);
            if (slurm.Requested(parse, parse.GetValue(options.Shard) is not null))
            {
                return slurm.Submit(context, parse, definition, options.RunDirectory(parse, definition.Name));
            }
            return SweepExecution.Execute(context, definition, options.RunDirectory(parse, definition.Name), options.ShardOf(parse), parse.GetValue(options.Baseline) ?? "glibc", parse.GetValue(options.RetryFailed));
        });
        return command;
    }
}
