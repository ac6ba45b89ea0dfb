using System.CommandLine;
using Spectre.Console;
using Workbench.Benchmarks.Model;
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
            error.WriteLine($"workbench: {DescribeParseError(parse, root)}");
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

    private static readonly Dictionary<string, string> Examples = new(StringComparer.Ordinal)
    {
        ["run"] = "workbench run churn --allocators cfa,glibc --threads 1,2",
        ["sweep"] = "workbench sweep data/experiments/first-comparison.yaml",
        ["report"] = "workbench report data/runs/NAME",
        ["merge"] = "workbench merge data/runs/all data/runs/part1 data/runs/part2",
        ["status"] = "workbench status data/runs/NAME",
        ["record"] = "workbench trace record -- sqlite3 :memory: \"select 1\"",
        ["import"] = "workbench trace import NAME.raw.zst -o NAME.trace",
        ["info"] = "workbench trace info data/traces/sqlite3.trace",
        ["verify"] = "workbench trace verify data/traces/sqlite3.trace",
    };

    /// <summary>One line for a parse error: what is wrong and what to type instead.</summary>
    private static string DescribeParseError(ParseResult parse, RootCommand root)
    {
        Command command = parse.CommandResult.Command;
        // The full path of a subcommand (workbench trace record), so the help hint names it as it is typed.
        string name = "";
        for (System.CommandLine.Parsing.SymbolResult? result = parse.CommandResult; result is System.CommandLine.Parsing.CommandResult { Command: var c } && c != root; result = result.Parent)
        {
            name = " " + c.Name + name;
        }
        string help = $"type 'workbench{name} --help' for what to write";
        // The most telling error first: an unrecognised word says more than a missing command.
        string message = (parse.Errors.FirstOrDefault(e => e.Message.StartsWith("Unrecognized", StringComparison.Ordinal)) ?? parse.Errors[0]).Message;
        System.Text.RegularExpressions.Match bad = System.Text.RegularExpressions.Regex.Match(
            message, "^Cannot parse argument '(?<value>.*)' for option '(?<option>[^']*)' as expected type '(?<type>[^']*)'");
        if (bad.Success)
        {
            string kind = bad.Groups["type"].Value.Contains("Int", StringComparison.Ordinal) ? "a whole number" : "a number";
            return $"bad value '{bad.Groups["value"].Value}' for {bad.Groups["option"].Value}: write {kind}, e.g. {bad.Groups["option"].Value} 3; {help}";
        }
        if (message.StartsWith("Required argument missing", StringComparison.Ordinal))
        {
            string wanted = string.Join(" ", command.Arguments.Select(a => a.Name.ToUpperInvariant()));
            string example = Examples.TryGetValue(command.Name, out string? e) ? $", e.g. {e}" : "";
            return $"'{command.Name}' needs {wanted}{example}; {help}";
        }
        if (message.StartsWith("Required command was not provided", StringComparison.Ordinal))
        {
            return $"no command given: write one of {string.Join(", ", root.Subcommands.Where(c => !c.Hidden).Select(c => c.Name))}; {help}";
        }
        return $"{message.TrimEnd('.')}: {help}";
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
        root.Add(StatusCommand.Create(context));
        root.Add(IndexCommand.Create(context));
        root.Add(FiguresCommand.Create(context));
        root.Add(TrialCommand.Create(context));
        root.Add(TraceCommand.Create(context));
        return root;
    }
}
