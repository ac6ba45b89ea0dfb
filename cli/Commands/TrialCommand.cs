using System.CommandLine;
using System.Text.Json;
using Workbench.Benchmarks.Model;
using Workbench.Benchmarks.Platform;
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
        Command command = new("trial", "Run one trial in this process and print its result as a JSON line (used by the runner)") { Hidden = true };
        command.Add(spec);
        command.SetAction(parse => Execute(parse.GetValue(spec) ?? ""));
        return command;
    }

    /// <summary>
    /// Ties this process to the runner that started it (<see cref="ParentDeath"/>), runs the trial given as JSON and
    /// prints its result line. <see cref="Program"/> calls this directly for
    /// <c>trial</c>, without building the command tree, so that a trial process starts as fast as it can.
    /// </summary>
    /// <exception cref="UsageException">The JSON is not a trial.</exception>
    public static int Execute(string json)
    {
        // First of all, die with the runner: a trial left running would take a CPU from the trials timed after it.
        if (!ParentDeath.TieToParent())
        {
            Console.Error.WriteLine("workbench: trial: the runner that started this trial has already ended");
            return ExitCodes.Failure;
        }
        TrialSpec? trial;
        try
        {
            trial = JsonSerializer.Deserialize(json, RunnerJsonContext.Default.TrialSpec);
        }
        catch (JsonException e)
        {
            throw new UsageException($"bad trial spec: {e.Message}", e);
        }
        if (trial is null)
        {
            throw new UsageException("bad trial spec: empty");
        }
        TrialResult result = TrialHost.Execute(trial, wholeProcess: true);
        Console.Out.WriteLine(TrialResultLine.Of(result));
        Console.Out.Flush();
        return result.Status == TrialStatus.Ok ? ExitCodes.Ok : ExitCodes.Failure;
    }
}
