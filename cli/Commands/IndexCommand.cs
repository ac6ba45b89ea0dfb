using System.CommandLine;
using Spectre.Console;
using Workbench.Benchmarks;
using Workbench.Benchmarks.Model;
using Workbench.Benchmarks.Results;

namespace Workbench.Cli.Commands;

/// <summary><c>workbench index</c>: rewrite <c>data/runs/INDEX.md</c>, the runs kept and what cites each.</summary>
public static class IndexCommand
{
    /// <summary>The command.</summary>
    public static Command Create(CliContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        Argument<string?> runs = new("runs") { Description = "the runs folder (default: data/runs of this repository)", Arity = ArgumentArity.ZeroOrOne };
        Command command = new("index", "Write data/runs/INDEX.md: every run kept, its experiment, commit, date, trials and the files that cite it");
        command.Add(runs);
        command.SetAction(parse =>
        {
            string folder = parse.GetValue(runs) is { Length: > 0 } given ? given
                : RepositoryPaths.FindFolder("data/runs") ?? throw new UsageException("no data/runs here: run it in the repository, or give the runs folder, e.g. workbench index data/runs");
            if (!Directory.Exists(folder))
            {
                throw new UsageException($"'{folder}' is not a folder: give the runs folder, e.g. workbench index data/runs");
            }
            string root = Path.GetFullPath(Path.Combine(folder, "..", ".."));
            string path = RunIndex.Write(folder, root);
            context.Console.WriteLine($"wrote {path}");
            return ExitCodes.Ok;
        });
        return command;
    }
}
