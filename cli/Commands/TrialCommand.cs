using System.CommandLine;
using Workbench.Benchmarks.Model;
using Workbench.Benchmarks.Runner;

namespace Workbench.Cli.Commands;

/// <summary>
/// <c>workbench trial SPEC-JSON</c> (hidden): what a trial process runs. It runs the trial in this process
/// and prints one JSON line of results for the runner that started it.
/// </summary>
public static class TrialCommand
{
    /// <summary>The command.</summary>
    public static Command Create(CliContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        Argument<string> spec = new("spec") { Description = "the trial, as JSON" };
        Command command = new(TrialProcess.Command, "Run one trial in this process and print its result as a JSON line (used by the runner)") { Hidden = true };
        command.Add(spec);
        command.SetAction(parse => Execute(parse.GetValue(spec) ?? ""));
        return command;
    }

    /// <summary>
    /// Runs the trial given as JSON and prints its result line (<see cref="TrialProcess.Run"/>). <see cref="Program"/>
    /// calls this directly for <c>trial</c>, without building the command tree, so that a trial process starts as fast
    /// as it can.
    /// </summary>
    /// <exception cref="UsageException">The JSON is not a trial.</exception>
    public static int Execute(string json) => TrialProcess.Run(json, "workbench") ? ExitCodes.Ok : ExitCodes.Failure;
}
