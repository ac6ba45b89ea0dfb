using System.CommandLine;
using Spectre.Console;
using Workbench.Benchmarks.Runner;
using Workbench.Cli.Commands;

namespace Workbench.Cli;

/// <summary>
/// The command tree of <c>workbench</c> (System.CommandLine) and the one place where errors become a
/// single line on standard error and an exit code: never a stack trace.
/// </summary>
public static class CliApp
{
    /// <summary>Parses and runs a command line, writing to the given streams; returns the exit code.</summary>
    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(error);
        IAnsiConsole console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(output),
        });
        if (!console.Profile.Capabilities.Interactive && console.Profile.Width < 220)
        {
            console.Profile.Width = 220;
        }
        CliContext context = new(console, error, args);
        RootCommand root = Build(context);
        ParseResult parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            string command = parse.CommandResult.Command == root ? "" : " " + parse.CommandResult.Command.Name;
            // The most telling error first: an unrecognised word says more than a missing command.
            string message = (parse.Errors.FirstOrDefault(e => e.Message.StartsWith("Unrecognized", StringComparison.Ordinal)) ?? parse.Errors[0]).Message;
            error.WriteLine($"workbench: {message.TrimEnd('.')}: type 'workbench{command} --help' for what to write");
            return ExitCodes.Usage;
        }
        try
        {
            return parse.Invoke(new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false });
        }
        catch (UsageException e)
        {
            error.WriteLine($"workbench: {e.Message}");
            return ExitCodes.Usage;
        }
        catch (Exception e)
        {
            error.WriteLine($"workbench: failed: {TrialHost.Describe(e)}");
            return ExitCodes.Failure;
        }
    }

    private static RootCommand Build(CliContext context)
    {
        RootCommand root = new("workbench: the allocator research workbench (benchmarks of cfa-malloc and its peers)");
        root.Add(ListCommand.Create(context));
        root.Add(RunCommand.Create(context));
        root.Add(SweepCommand.Create(context));
        root.Add(QuickCommand.Create(context));
        root.Add(ReportCommand.Create(context));
        root.Add(MergeCommand.Create(context));
        root.Add(TrialCommand.Create(context));
        return root;
    }
}
