using System.CommandLine;
using Workbench.Benchmarks.Model;

namespace Workbench.Cli.Commands;

/// <summary>
/// <c>workbench quick</c>: the quick suite, every benchmark at its quick size over every available allocator
/// (each benchmark at its quick thread counts), into <c>data/runs/quick-&lt;UTC time&gt;</c>, then the summary: cfa against
/// its best peer and glibc per benchmark (every allocator's table with <c>--full</c>), and the run's figures in
/// <c>data/figures/NAME</c> with the path of the one to open (none with <c>--no-figures</c>).
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
        Option<bool> full = new("--full") { Description = "print every allocator's table (as workbench report does) instead of cfa against its best peer and glibc" };
        Option<bool> noFigures = new("--no-figures") { Description = "do not write the run's figures into data/figures/NAME" };
        command.Add(full);
        command.Add(noFigures);
        command.SetAction(parse =>
        {
            SweepDefinition definition = new() { Quick = true, Name = SweepOptions.Stamp("quick") };
            options.Apply(parse, definition);
            definition.Quick = true;
            string directory = options.RunDirectory(parse, definition.Name);
            definition.Name = Path.GetFileName(Path.TrimEndingDirectorySeparator(directory));
            string? figures = parse.GetValue(noFigures) ? null : FiguresFolder(directory);
            return SweepExecution.Execute(context, definition, directory, options.ShardOf(parse), parse.GetValue(options.Baseline) ?? "glibc", parse.GetValue(options.RetryFailed),
                headline: !parse.GetValue(full), figuresFolder: figures);
        });
        return command;
    }

    /// <summary>Where a run's figures go: <c>data/figures/NAME</c> beside <c>data/runs/NAME</c>, else a <c>figures</c> folder inside the run folder.</summary>
    internal static string FiguresFolder(string runDirectory)
    {
        string full = Path.GetFullPath(Path.TrimEndingDirectorySeparator(runDirectory));
        string? parent = Path.GetDirectoryName(full);
        return parent is not null && Path.GetFileName(parent) == "runs" && Path.GetDirectoryName(parent) is { } data
            ? Path.Combine(data, "figures", Path.GetFileName(full))
            : Path.Combine(full, "figures");
    }
}
