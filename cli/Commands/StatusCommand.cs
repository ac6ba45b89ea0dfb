using System.CommandLine;
using Spectre.Console;
using Workbench.Benchmarks.Results;
using Workbench.Cli.Slurm;

namespace Workbench.Cli.Commands;

/// <summary>
/// <c>workbench status RUN [--resubmit]</c>: a sweep submitted with <c>--slurm</c>: trials done and left per task
/// (from the shares' files and squeue), the merge job, drained nodes (sinfo); with <c>--resubmit</c>, the tasks that
/// stopped with trials left run again (resume skips their finished trials) under a new merge job.
/// </summary>
public static class StatusCommand
{
    /// <summary>The command.</summary>
    public static Command Create(CliContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        Argument<string> folder = new("run") { Description = "the run folder that 'workbench sweep ... --slurm' printed" };
        Option<bool> resubmit = new("--resubmit") { Description = "submit again the tasks that stopped with trials left (cancelled, failed, timed out), and a new merge job" };
        Command command = new("status", "Progress of a sweep submitted to Slurm: trials done and left per task, drained nodes");
        command.Add(folder);
        command.Add(resubmit);
        command.SetAction(parse =>
        {
            SlurmRun run = SlurmRun.Load(parse.GetValue(folder) ?? "");
            return Show(context, run, parse.GetValue(folder) ?? "", parse.GetValue(resubmit));
        });
        return command;
    }

    private static int Show(CliContext context, SlurmRun run, string shown, bool resubmit)
    {
        IAnsiConsole console = context.Console;
        List<TaskProgress> tasks = TaskProgress.Of(run);
        int done = tasks.Sum(t => t.Done);
        int left = tasks.Sum(t => t.Left);
        console.MarkupLine($"[bold]{Markup.Escape(run.Name)}[/]: {run.Trials} trials in {run.Tasks} tasks: {done} done, {left} left");
        Table table = new Table().Border(TableBorder.Rounded)
            .AddColumn("task").AddColumn("job").AddColumn("state").AddColumn("node")
            .AddColumn(new TableColumn("done").RightAligned()).AddColumn(new TableColumn("left").RightAligned());
        foreach (TaskProgress task in tasks)
        {
            table.AddRow(task.Task.ToString(System.Globalization.CultureInfo.InvariantCulture), task.Job, Markup.Escape(task.State), Markup.Escape(task.Node),
                task.Done.ToString(System.Globalization.CultureInfo.InvariantCulture), task.Left.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
        console.Write(table);

        string merged = Path.Combine(run.RunDirectory, "results.csv");
        SlurmSubmission latest = run.Latest;
        SlurmQueue.Entry? merge = SlurmQueue.Jobs([latest.MergeJob]).FirstOrDefault();
        if (File.Exists(merged) && merge?.Active != true)
        {
            console.WriteLine($"merged: {Path.Combine(shown, "results.csv")}, {ResultsFile.Read(merged).Rows.Count} trials (job {latest.MergeJob})");
        }
        else
        {
            string state = merge is null ? "not in the queue" : merge.State + (merge.Reason is "None" ? "" : $" ({merge.Reason})");
            console.WriteLine($"merge job {latest.MergeJob}: {state}");
        }
        foreach (SlurmQueue.DrainedNode node in SlurmQueue.Drained())
        {
            console.WriteLine($"node {node.Node} is {node.State} ({node.Reason}): no task starts there until an administrator resumes it (scontrol update nodename={node.Node} state=resume)");
        }
        List<int> unfinished = [.. tasks.Where(t => t.Unfinished).Select(t => t.Task)];
        bool mergeMissing = !File.Exists(merged) && merge?.Active != true && tasks.All(t => !t.Active);
        if (!resubmit)
        {
            if (unfinished.Count > 0 || mergeMissing)
            {
                string what = unfinished.Count > 0 ? $"task{(unfinished.Count > 1 ? "s" : "")} {string.Join(',', unfinished)} stopped with trials left" : "every task finished but nothing merged";
                console.WriteLine($"{what}: resubmit with 'workbench status {shown} --resubmit'");
            }
            return ExitCodes.Ok;
        }
        if (unfinished.Count == 0 && !mergeMissing)
        {
            console.WriteLine(tasks.Any(t => t.Active) ? "nothing to resubmit: the unfinished tasks are still queued or running" : "nothing to resubmit: every task finished and the results are merged");
            return ExitCodes.Ok;
        }
        if (merge?.Active == true)
        {
            // Its dependency can no longer be met (a task of its array did not succeed): the new submission brings its own.
            SlurmQueue.Cancel(latest.MergeJob);
        }
        // The merge waits for the tasks still queued or running from earlier submissions as well as for the new array.
        SlurmSubmission again = SlurmSubmitter.Submit(run, unfinished, [.. tasks.Where(t => t.Active).Select(t => t.Job)]);
        console.WriteLine(unfinished.Count > 0
            ? $"resubmitted task{(unfinished.Count > 1 ? "s" : "")} {SlurmSubmission.ArraySpec(unfinished)} as array job {again.ArrayJob}, merge job {again.MergeJob} after it"
            : $"submitted merge job {again.MergeJob}");
        console.WriteLine($"progress: workbench status {shown}");
        return ExitCodes.Ok;
    }
}
