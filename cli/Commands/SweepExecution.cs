using Spectre.Console;
using Workbench.Benchmarks.Allocators;
using Workbench.Benchmarks.Model;
using Workbench.Benchmarks.Results;
using Workbench.Benchmarks.Runner;
using Workbench.Cli.Rendering;

namespace Workbench.Cli.Commands;

/// <summary>Runs a sweep with a progress bar (an ETA on long work), then prints the run's summary table.</summary>
public static class SweepExecution
{
    /// <summary>
    /// Runs the sweep into <paramref name="runDirectory"/>, each trial in a process of this program unless in process;
    /// <paramref name="retryFailed"/> runs failed trials of an earlier run again. Returns the exit code: 0 only when
    /// every trial of the shard is ok or skipped, else 1 with one line on standard error that says how many failed.
    /// With <paramref name="headline"/>, the summary leads with cfa against its best peer and the baseline
    /// (<see cref="ReportRenderer.RenderHeadline"/>) instead of the table of every allocator; with
    /// <paramref name="figuresFolder"/>, the run's figures are written there and the path of the one to open is printed.
    /// </summary>
    public static int Execute(CliContext context, SweepDefinition definition, string runDirectory, Shard shard, string baseline, bool retryFailed = false,
        bool headline = false, string? figuresFolder = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(definition);
        IAnsiConsole console = context.Console;
        // The whole sweep is checked here, before anything runs or is written.
        SweepSession session = new(definition, TrialLauncher.ForCurrentProcess()) { RetryFailed = retryFailed };
        if (definition.Allocators.Count == 0 || definition.Allocators is ["all"])
        {
            // "Every available allocator": say which ones are not, and which package brings each.
            foreach (AllocatorInfo info in AllocatorCatalog.All.Where(a => !a.Hidden && a.Unavailable is not null))
            {
                context.Error.WriteLine(info.Unavailable);
            }
        }
        using CancellationTokenSource cancel = new();
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            e.Cancel = true;
            cancel.Cancel();
        };
        Console.CancelKeyPress += onCancel;
        SweepOutcome outcome;
        try
        {
            console.MarkupLine($"[bold]{Markup.Escape(definition.Name)}[/]: {session.Plan.Count} trials planned (shard {shard}), results in {Markup.Escape(Path.Combine(runDirectory, "results.csv"))}");
            if (console.Profile.Capabilities.Interactive)
            {
                SweepOutcome? result = null;
                console.Progress()
                    .AutoClear(false)
                    .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn(), new SpinnerColumn())
                    .Start(progress =>
                    {
                        ProgressTask task = progress.AddTask("trials");
                        result = session.Run(runDirectory, shard, context.Arguments, p =>
                        {
                            task.MaxValue = Math.Max(1, p.Total);
                            task.Value = p.Done;
                            if (p.Last is { } last)
                            {
                                task.Description = Markup.Escape($"{last.Spec.Benchmark} {last.Spec.Allocator} {last.Spec.Threads}t: {last.Result.Status.ToText()}");
                            }
                        }, cancel.Token);
                    });
                outcome = result!;
            }
            else
            {
                outcome = session.Run(runDirectory, shard, context.Arguments, p =>
                {
                    if (p.Last is not null)
                    {
                        console.WriteLine(p.Line);
                    }
                }, cancel.Token);
            }
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }
        foreach (string note in outcome.Notes)
        {
            context.Error.WriteLine(note);
        }
        console.WriteLine(
            $"{outcome.InShard} trials in this shard: {outcome.AlreadyDone} already done, {outcome.Tally}" +
            (outcome.Cancelled ? " (interrupted: run the same command again to resume)" : ""));
        ResultsFile results = new(outcome.ResultsPath);
        if (headline && ReportRenderer.RenderHeadline(console, results.Rows, "cfa", baseline))
        {
            console.WriteLine($"every allocator's numbers: workbench report {runDirectory} (or ./run.sh --full)");
        }
        else
        {
            ReportRenderer.Render(console, results.Rows, baseline, detailed: false);
        }
        if (figuresFolder is not null)
        {
            SummaryFigures.Write(context, runDirectory, figuresFolder, baseline);
        }
        if (outcome.FailureLine is { } failures)
        {
            context.Error.WriteLine($"workbench: {failures}");
            return ExitCodes.Failure;
        }
        return outcome.Cancelled ? ExitCodes.Failure : ExitCodes.Ok;
    }
}
