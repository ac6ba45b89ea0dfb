using System.Globalization;
using Workbench.Benchmarks.Model;
using Workbench.Benchmarks.Results;
using Workbench.Benchmarks.Runner;

namespace Workbench.Cli.Slurm;

/// <summary>
/// How far each task of a Slurm run got: its share's trials (from the sweep's plan and the sharding), those its
/// share's <c>results.csv</c> has a row of (any status, each once), what squeue says of its job and the exit code its
/// script wrote. Invariant: <see cref="Done"/> + <see cref="Left"/> = <see cref="Planned"/>.
/// </summary>
/// <param name="Task">The task (share) number, from 1.</param>
/// <param name="Job">Its job as squeue names it, ARRAY_TASK.</param>
/// <param name="Planned">Trials of its share.</param>
/// <param name="Done">Of those, trials recorded in the share.</param>
/// <param name="Queue">What squeue says of its job, or null when squeue no longer knows it.</param>
/// <param name="ExitCode">The exit code its script recorded, or null when it did not end by itself.</param>
/// <param name="Node">The node it ran on (squeue's, else the share's last row's).</param>
public sealed record TaskProgress(int Task, string Job, int Planned, int Done, SlurmQueue.Entry? Queue, int? ExitCode, string Node)
{
    /// <summary>Trials still to run.</summary>
    public int Left => Planned - Done;

    /// <summary>Whether it is queued or running now.</summary>
    public bool Active => Queue?.Active == true;

    /// <summary>Whether it stopped with trials left and nothing runs it: resubmitting it finishes its share.</summary>
    public bool Unfinished => !Active && Left > 0;

    /// <summary>A word for its state: squeue's while it knows the job, else from the exit code and the trials left.</summary>
    public string State => Queue is { } q ? (q.State == "PENDING" && q.Reason is not "None" ? $"PENDING ({q.Reason})" : q.State)
        : ExitCode is 0 && Left == 0 ? "COMPLETED"
        : ExitCode is { } code ? $"ENDED (exit {code})"
        : Done > 0 ? "STOPPED" : "NOT STARTED";

    /// <summary>Every task of <paramref name="run"/>.</summary>
    public static List<TaskProgress> Of(SlurmRun run)
    {
        ArgumentNullException.ThrowIfNull(run);
        SweepDefinition definition = ExperimentFile.Load(run.ExperimentFile);
        List<TrialSpec> plan = SweepPlan.Expand(definition);
        List<SlurmQueue.Entry> queue = SlurmQueue.Jobs(run.Submissions.Select(s => s.ArrayJob));
        List<TaskProgress> tasks = [];
        for (int task = 1; task <= run.Tasks; task++)
        {
            Shard shard = new(task, run.Tasks);
            HashSet<string> planned = [.. plan.Where((_, i) => shard.Includes(i)).Select(t => t.Key)];
            string results = Path.Combine(run.ShareFolder(task), "results.csv");
            List<ResultRow> rows = File.Exists(results) ? [.. ResultsFile.Read(results).Rows] : [];
            int done = rows.Select(r => r.Key).Where(planned.Contains).Distinct().Count();
            SlurmSubmission submission = run.SubmissionOf(task);
            SlurmQueue.Entry? entry = queue.FirstOrDefault(e => e.ArrayJob == submission.ArrayJob && e.Task == task);
            int? exit = File.Exists(run.ExitFile(task)) && int.TryParse(File.ReadAllText(run.ExitFile(task)).Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int code) ? code : null;
            string node = entry is { Node.Length: > 0 } ? entry.Node : rows.Count > 0 ? rows[^1].Text("node") : "";
            tasks.Add(new TaskProgress(task, $"{submission.ArrayJob}_{task}", planned.Count, done, entry, exit, node));
        }
        return tasks;
    }
}
