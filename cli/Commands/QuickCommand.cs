using System.CommandLine;
using Workbench.Benchmarks.Model;

namespace Workbench.Cli.Commands;

/// <summary>
/// <c>workbench quick</c>: the quick suite, every benchmark at its quick size over every available allocator
/// (each benchmark at its quick thread counts), into <c>data/runs/quick-&lt;UTC time&gt;</c>, then the summary table.
/// </summary>
public static class QuickCommand
{
    /// <summary>The command.</summary>
    public static Command Create(CliContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        SweepOptions options = new();
        Command command = new("quick", "Run the quick suite (every benchmark, shrunk, over every available allocator) and print the summary");
        options.AddTo(command);
        command.SetAction(parse =>
        {
            SweepDefinition definition = new() { Quick = true, Name = SweepOptions.Stamp("quick") };
            options.Apply(parse, definition);
            definition.Quick = true;
            string directory = options.RunDirectory(parse, definition.Name);
            definition.Name = Path.GetFileName(Path.TrimEndingDirectorySeparator(directory));
            return SweepExecution.Execute(context, definition, directory, options.ShardOf(parse), parse.GetValue(options.Baseline) ?? "glibc", parse.GetValue(options.RetryFailed));
        });
        return command;
    }
}
