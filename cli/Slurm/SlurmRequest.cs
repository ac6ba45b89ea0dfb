namespace Workbench.Cli.Slurm;

/// <summary>What <c>sweep --slurm</c> asks Slurm for.</summary>
/// <param name="Tasks">Array tasks (shares); null for the default, the trial count up to <see cref="DefaultTasks"/>.</param>
/// <param name="Partition">The partition, or null for the cluster's default.</param>
/// <param name="Time">Each task's time limit as sbatch takes it (e.g. <c>2:00:00</c>), or null.</param>
/// <param name="Exclusive">Whole nodes (the default, for timed trials).</param>
public sealed record SlurmRequest(int? Tasks, string? Partition, string? Time, bool Exclusive)
{
    /// <summary>Tasks when none are asked for.</summary>
    public const int DefaultTasks = 8;
}
