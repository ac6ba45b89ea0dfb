using System.Text.Json;
using Workbench.Benchmarks.Model;

namespace Workbench.Cli.Slurm;

/// <summary>
/// A sweep submitted to Slurm, as <c>RUN/slurm/job.json</c> records it. The run folder holds the sweep as an
/// experiment file (<c>slurm/experiment.json</c>), the scripts each job runs, each task's output
/// (<c>slurm/logs/task-I.out</c>) and exit code (<c>slurm/exit/task-I</c>), each task's share
/// (<c>shares/task-I/results.csv</c>, resumable), and, once the merge job ran, the merged <c>results.csv</c>.
/// Invariants: task I (from 1 to <see cref="Tasks"/>) always runs share I/<see cref="Tasks"/>; the last submission
/// that names a task is the job that runs (or ran) it.
/// </summary>
public sealed class SlurmRun
{
    /// <summary>The file inside a run folder.</summary>
    public static string FileOf(string runDirectory) => Path.Combine(runDirectory, "slurm", "job.json");

    /// <summary>The sweep's name.</summary>
    public string Name { get; set; } = "";

    /// <summary>The run folder, absolute.</summary>
    public string RunDirectory { get; set; } = "";

    /// <summary>The folder the jobs start in (where the sweep was submitted), absolute.</summary>
    public string WorkingDirectory { get; set; } = "";

    /// <summary>Array tasks, that is shares of the sweep.</summary>
    public int Tasks { get; set; }

    /// <summary>Trials in the whole sweep.</summary>
    public int Trials { get; set; }

    /// <summary>CPUs each task asks for: at least the sweep's largest thread count.</summary>
    public int CpusPerTask { get; set; }

    /// <summary>Whether each task asks for a whole node (<c>--exclusive</c>).</summary>
    public bool Exclusive { get; set; }

    /// <summary>The partition, or null for the cluster's default.</summary>
    public string? Partition { get; set; }

    /// <summary>The time limit of each task as sbatch takes it, or null for the partition's default.</summary>
    public string? Time { get; set; }

    /// <summary>Every submission, oldest first.</summary>
    public List<SlurmSubmission> Submissions { get; set; } = [];

    /// <summary>The experiment file the tasks run.</summary>
    public string ExperimentFile => Path.Combine(RunDirectory, "slurm", "experiment.json");

    /// <summary>Task <paramref name="task"/>'s share folder.</summary>
    public string ShareFolder(int task) => Path.Combine(RunDirectory, "shares", $"task-{task}");

    /// <summary>Task <paramref name="task"/>'s output file.</summary>
    public string LogFile(int task) => Path.Combine(RunDirectory, "slurm", "logs", $"task-{task}.out");

    /// <summary>The file task <paramref name="task"/>'s script writes its exit code to when it ends.</summary>
    public string ExitFile(int task) => Path.Combine(RunDirectory, "slurm", "exit", $"task-{task}");

    /// <summary>The latest submission, which holds the merge job that counts.</summary>
    public SlurmSubmission Latest => Submissions[^1];

    /// <summary>The submission that last ran task <paramref name="task"/>.</summary>
    public SlurmSubmission SubmissionOf(int task) => Submissions.Last(s => s.Tasks.Contains(task));

    private static readonly JsonSerializerOptions s_json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower, WriteIndented = true };

    /// <summary>Writes <c>slurm/job.json</c>.</summary>
    public void Save()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(FileOf(RunDirectory))!);
        string temporary = FileOf(RunDirectory) + ".tmp";
        File.WriteAllText(temporary, JsonSerializer.Serialize(this, s_json) + "\n");
        File.Move(temporary, FileOf(RunDirectory), overwrite: true);
    }

    /// <summary>Reads the record of the Slurm run in <paramref name="runDirectory"/>.</summary>
    /// <exception cref="UsageException">The folder holds no run submitted with --slurm.</exception>
    public static SlurmRun Load(string runDirectory)
    {
        ArgumentNullException.ThrowIfNull(runDirectory);
        string file = FileOf(runDirectory);
        if (!File.Exists(file))
        {
            throw new UsageException($"'{runDirectory}' is not a run submitted to Slurm (no slurm/job.json): give the folder 'workbench sweep ... --slurm' printed, e.g. data/runs/NAME");
        }
        try
        {
            SlurmRun run = JsonSerializer.Deserialize<SlurmRun>(File.ReadAllText(file), s_json) ?? throw new JsonException("empty");
            if (run.Tasks < 1 || run.Submissions.Count == 0)
            {
                throw new JsonException("no tasks or no submission");
            }
            return run;
        }
        catch (JsonException e)
        {
            throw new UsageException($"'{file}' is damaged ({e.Message.ReplaceLineEndings(" ")}): submit the sweep again with --slurm into a new folder", e);
        }
    }
}
