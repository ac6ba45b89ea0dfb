namespace Workbench.Cli.Slurm;

/// <summary>One sbatch of a Slurm run: an array of some of its tasks and the merge job that waits for them.</summary>
public sealed class SlurmSubmission
{
    /// <summary>The array job's id.</summary>
    public string ArrayJob { get; set; } = "";

    /// <summary>The array's task ids (shares), ascending.</summary>
    public List<int> Tasks { get; set; } = [];

    /// <summary>The merge job's id (runs after every task of the array succeeded).</summary>
    public string MergeJob { get; set; } = "";

    /// <summary>When it was submitted (UTC, ISO 8601).</summary>
    public string SubmittedUtc { get; set; } = "";

    /// <summary>The array's task list as sbatch's --array takes it: <c>1-4</c>, or <c>2,5</c>.</summary>
    public static string ArraySpec(IReadOnlyList<int> tasks)
    {
        ArgumentNullException.ThrowIfNull(tasks);
        bool contiguous = tasks.Count > 1 && tasks[^1] - tasks[0] == tasks.Count - 1;
        return contiguous ? $"{tasks[0]}-{tasks[^1]}" : string.Join(',', tasks);
    }
}
