using System.Text.Json;
using Workbench.Benchmarks.Model;
using Workbench.Benchmarks.Platform;

namespace Workbench.Benchmarks.Runner;

/// <summary>
/// What a trial process does, whichever program it is (<c>workbench trial SPEC-JSON</c>, or the ahead-of-time trial
/// host for an allocator whose <c>Host</c> names one): it ties itself to the runner that started it, runs the trial
/// given as JSON in this process and prints its result line for that runner (<see cref="TrialResultLine"/>).
/// </summary>
public static class TrialProcess
{
    /// <summary>The command word before the trial's JSON on a trial process's command line.</summary>
    public const string Command = "trial";

    /// <summary>
    /// Runs the trial given as JSON and prints its result line to standard output; returns whether the trial ran
    /// (status ok). Returns false at once, with a line on standard error, when the runner that started this process
    /// has ended already. <paramref name="program"/> names this program in that line.
    /// </summary>
    /// <exception cref="UsageException">The JSON is not a trial.</exception>
    public static bool Run(string json, string program)
    {
        // First of all, die with the runner: a trial left running would take a CPU from the trials timed after it.
        if (!ParentDeath.TieToParent())
        {
            Console.Error.WriteLine($"{program}: trial: the runner that started this trial has already ended");
            return false;
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
        return result.Status == TrialStatus.Ok;
    }
}
