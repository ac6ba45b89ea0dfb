using System.Globalization;
using System.Text;
using System.Text.Json;
using Workbench.Benchmarks.Model;
using Workbench.Benchmarks.Results;
using Workbench.Benchmarks.Runner;

namespace Workbench.Cli.Slurm;

/// <summary>
/// Submits a sweep to Slurm as a job array, task I running share I/N with the existing sharding into its own share
/// folder, and a merge job (<c>--dependency=afterok</c>) that joins the shares into the run folder's
/// <c>results.csv</c>. Resubmitting runs chosen tasks again into the same share folders (resume skips their finished
/// trials) with a new merge job.
/// </summary>
public static class SlurmSubmitter
{
    /// <summary>Writes the run's experiment and scripts, submits the array and the merge job, and records them.</summary>
    /// <exception cref="UsageException">Slurm is absent, the request is wrong, or sbatch refused it (its message, on one line).</exception>
    public static SlurmRun Submit(SweepDefinition definition, IReadOnlyList<TrialSpec> plan, string runDirectory, SlurmRequest request, IReadOnlyList<string> commandLine)
    {
        ArgumentNullException.ThrowIfNull(definition);
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(request);
        SlurmTools.RequireSlurm();
        if (request.Tasks is < 1)
        {
            throw new UsageException($"bad --tasks {request.Tasks}: write 1 or more, e.g. --tasks 4");
        }
        if (plan.Count == 0)
        {
            throw new UsageException("the sweep has no trials: nothing to submit");
        }
        string run = Path.GetFullPath(runDirectory);
        if (File.Exists(SlurmRun.FileOf(run)) || File.Exists(Path.Combine(run, "results.csv")))
        {
            throw new UsageException($"'{runDirectory}' already holds a run: see it with 'workbench status {runDirectory}', or submit into a new folder with --out");
        }
        SlurmRun record = new()
        {
            Name = definition.Name,
            RunDirectory = run,
            WorkingDirectory = Directory.GetCurrentDirectory(),
            Tasks = Math.Min(request.Tasks ?? SlurmRequest.DefaultTasks, plan.Count),
            Trials = plan.Count,
            CpusPerTask = plan.Max(t => t.Threads),
            Exclusive = request.Exclusive,
            Partition = request.Partition,
            Time = request.Time,
        };
        if (SlurmQueue.LargestNode(record.Partition) is int largest && largest < record.CpusPerTask)
        {
            // sbatch would take it, and its tasks would wait for ever (squeue: PartitionConfig).
            throw new UsageException($"the sweep runs up to {record.CpusPerTask} threads but the nodes of partition {record.Partition ?? "(default)"} have at most {largest} CPUs: "
                + $"give --partition of bigger nodes, or fewer threads, e.g. --threads {string.Join(',', plan.Select(t => t.Threads).Distinct().Where(t => t <= largest).Order())}");
        }
        Directory.CreateDirectory(Path.Combine(run, "slurm", "logs"));
        Directory.CreateDirectory(Path.Combine(run, "slurm", "exit"));
        Directory.CreateDirectory(Path.Combine(run, "shares"));
        // "Every available allocator" is decided here, once: a node that has fewer would deal the trials into other
        // shares. An allocator a node lacks is then recorded there as skipped, in its own share.
        definition.Allocators = SweepPlan.ResolveAllocators(definition.Allocators);
        File.WriteAllText(record.ExperimentFile, JsonSerializer.Serialize(definition, s_json) + "\n");
        WriteScripts(record);
        RunMetadata.Write(run, definition, Shard.All, commandLine);
        Submit(record, [.. Enumerable.Range(1, record.Tasks)]);
        return record;
    }

    /// <summary>
    /// Submits tasks <paramref name="tasks"/> of a run (again) with a new merge job, and records them. The merge job
    /// waits for the new array and for <paramref name="stillRunning"/>, jobs of earlier submissions (ARRAY_TASK) that
    /// have not ended.
    /// </summary>
    /// <exception cref="UsageException">sbatch refused (its message, on one line).</exception>
    public static SlurmSubmission Submit(SlurmRun run, IReadOnlyList<int> tasks, IReadOnlyList<string>? stillRunning = null)
    {
        stillRunning ??= [];
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(tasks);
        if (tasks.Count == 0)
        {
            // Every share is complete: only the merge is left to do.
            return Record(run, [], "", Sbatch(MergeArguments(run, [.. stillRunning])));
        }
        foreach (int task in tasks)
        {
            // An exit code of an earlier attempt would tell of that attempt, not of this one.
            File.Delete(run.ExitFile(task));
        }
        List<string> array = ["--parsable", "--job-name", $"wb-{run.Name}", "--array", SlurmSubmission.ArraySpec(tasks),
            "--output", Path.Combine(run.RunDirectory, "slurm", "logs", "task-%a.out"), "--chdir", run.WorkingDirectory,
            "--ntasks", "1", "--cpus-per-task", run.CpusPerTask.ToString(CultureInfo.InvariantCulture)];
        if (run.Exclusive)
        {
            array.Add("--exclusive");
        }
        List<string> common = [];
        if (run.Partition is { Length: > 0 } partition)
        {
            common.AddRange(["--partition", partition]);
        }
        if (run.Time is { Length: > 0 } time)
        {
            common.AddRange(["--time", time]);
        }
        string arrayJob = Sbatch([.. array, .. common, Path.Combine(run.RunDirectory, "slurm", "task.sh")]);
        string mergeJob;
        try
        {
            mergeJob = Sbatch(MergeArguments(run, [arrayJob, .. stillRunning]));
        }
        catch (UsageException)
        {
            // An array without its merge job would be recorded nowhere: take it back.
            SlurmQueue.Cancel(arrayJob);
            throw;
        }
        return Record(run, tasks, arrayJob, mergeJob);
    }

    private static SlurmSubmission Record(SlurmRun run, IReadOnlyList<int> tasks, string arrayJob, string mergeJob)
    {
        SlurmSubmission submission = new()
        {
            ArrayJob = arrayJob,
            Tasks = [.. tasks.Order()],
            MergeJob = mergeJob,
            SubmittedUtc = DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
        };
        run.Submissions.Add(submission);
        run.Save();
        return submission;
    }

    /// <summary>sbatch's arguments for the merge job, after every job of <paramref name="after"/> succeeded.</summary>
    private static List<string> MergeArguments(SlurmRun run, IReadOnlyList<string> after)
    {
        List<string> merge = ["--parsable", "--job-name", $"wb-{run.Name}-merge"];
        if (after.Count > 0)
        {
            merge.AddRange(["--dependency", "afterok:" + string.Join(':', after)]);
        }
        merge.AddRange(["--output", Path.Combine(run.RunDirectory, "slurm", "logs", "merge-%j.out"), "--chdir", run.WorkingDirectory,
            "--ntasks", "1", "--cpus-per-task", "1"]);
        if (run.Partition is { Length: > 0 } partition)
        {
            merge.AddRange(["--partition", partition]);
        }
        if (run.Time is { Length: > 0 } time)
        {
            merge.AddRange(["--time", time]);
        }
        merge.Add(Path.Combine(run.RunDirectory, "slurm", "merge.sh"));
        return merge;
    }

    private static readonly JsonSerializerOptions s_json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower, WriteIndented = true };

    /// <summary>sbatch's job id, or one line saying why it refused.</summary>
    private static string Sbatch(IReadOnlyList<string> arguments)
    {
        SlurmTools.Answer answer = SlurmTools.Run("sbatch", arguments);
        string id = answer.Output.Trim().Split(';')[0];
        if (!answer.Ok || id.Length == 0 || !id.All(char.IsAsciiDigit))
        {
            string why = (answer.Error.Length > 0 ? answer.Error : answer.Output).ReplaceLineEndings(" ").Trim();
            throw new UsageException($"sbatch refused the job ({why}): check --partition, --time and --tasks against 'sinfo'");
        }
        return id;
    }

    private static void WriteScripts(SlurmRun run)
    {
        string program = string.Join(' ', WorkbenchProgram.CommandPrefix().Select(WorkbenchProgram.Quote));
        string q(string path) => WorkbenchProgram.Quote(path);
        string shares = Path.Combine(run.RunDirectory, "shares");
        StringBuilder task = new();
        task.Append("#!/bin/bash\n")
            .Append(CultureInfo.InvariantCulture, $"# Task I of the Slurm array of sweep {run.Name}: share I/{run.Tasks}, into shares/task-I (written by workbench sweep --slurm).\n")
            .Append("# Running it again resumes the share: finished trials are skipped.\n")
            .Append("set -u\n")
            .Append("i=${SLURM_ARRAY_TASK_ID:?this script runs as a task of a Slurm job array}\n")
            .Append(CultureInfo.InvariantCulture, $"{program} sweep {q(run.ExperimentFile)} --shard \"$i/{run.Tasks}\" --out {q(shares)}/task-\"$i\"\n")
            .Append("code=$?\n")
            .Append(CultureInfo.InvariantCulture, $"echo \"$code\" > {q(Path.Combine(run.RunDirectory, "slurm", "exit"))}/task-\"$i\"\n")
            .Append("exit \"$code\"\n");
        StringBuilder merge = new();
        merge.Append("#!/bin/bash\n")
            .Append(CultureInfo.InvariantCulture, $"# Merges the {run.Tasks} shares of sweep {run.Name} into the run folder (written by workbench sweep --slurm).\n")
            .Append("set -u\n")
            .Append(CultureInfo.InvariantCulture, $"rm -f {q(Path.Combine(run.RunDirectory, "results.csv"))} {q(Path.Combine(run.RunDirectory, "series.csv"))}\n")
            .Append(CultureInfo.InvariantCulture, $"{program} merge {q(run.RunDirectory)}");
        for (int i = 1; i <= run.Tasks; i++)
        {
            merge.Append(' ').Append(q(run.ShareFolder(i)));
        }
        merge.Append('\n');
        WriteExecutable(Path.Combine(run.RunDirectory, "slurm", "task.sh"), task.ToString());
        WriteExecutable(Path.Combine(run.RunDirectory, "slurm", "merge.sh"), merge.ToString());
    }

    private static void WriteExecutable(string path, string text)
    {
        File.WriteAllText(path, text);
        if (OperatingSystem.IsWindows())
        {
            return;
        }
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
            | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
    }
}
