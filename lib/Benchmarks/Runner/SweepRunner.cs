using Workbench.Benchmarks.Allocators;
using Workbench.Benchmarks.Model;
using Workbench.Benchmarks.Platform;
using Workbench.Benchmarks.Results;
using Workbench.Benchmarks.Workloads;

namespace Workbench.Benchmarks.Runner;

/// <summary>
/// Runs a sweep into a run folder: writes the metadata, skips the trials already in <c>results.csv</c>
/// (resume), runs this shard's other trials one by one (each in its own process unless in-process), and
/// appends each row as soon as its trial ends. A failed, crashed or timed-out trial is recorded and the
/// sweep goes on. Before anything runs, it ends a trial that an earlier runner in the folder left running
/// (<see cref="TrialInFlight"/>).
/// </summary>
public sealed class SweepRunner
{
    private readonly TrialLauncher? _launcher;

    /// <summary>A runner; <paramref name="launcher"/> null runs every trial in process.</summary>
    public SweepRunner(TrialLauncher? launcher) => _launcher = launcher;

    /// <summary>
    /// Whether a resumed sweep runs its failed and timed-out trials again (<c>--retry-failed</c>); each new row then
    /// takes the place of the old one. By default a failed trial counts as done, as an ok one does.
    /// </summary>
    public bool RetryFailed { get; init; }

    /// <summary>Runs the sweep.</summary>
    /// <exception cref="UsageException">The definition is wrong or the folder cannot be written.</exception>
    public SweepOutcome Run(SweepDefinition definition, string runDirectory, Shard shard, IReadOnlyList<string> commandLine,
        Action<TrialProgress>? progress = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(definition);
        List<TrialSpec> plan = SweepPlan.Expand(definition);
        PrepareDirectory(runDirectory);
        // A trial an earlier runner left behind would share the CPUs with the trials timed now: end it first.
        string? stale = TrialInFlight.EndStale(runDirectory);
        RunMetadata.Write(runDirectory, definition, shard, commandLine);
        ResultsFile results = new(Path.Combine(runDirectory, "results.csv"));
        HashSet<string> ok = [.. results.Rows.Where(r => r.Status == TrialStatus.Ok).Select(r => r.Key)];
        HashSet<string> done = RetryFailed ? ok : results.DoneKeys();
        // A trial whose rows say failed or timeout and never ok (a merge can hold both for one trial).
        HashSet<string> failedBefore = [.. results.Rows.Where(r => r.Status is TrialStatus.Failed or TrialStatus.Timeout && !ok.Contains(r.Key)).Select(r => r.Key)];
        List<TrialSpec> mine = [.. plan.Where((_, i) => shard.Includes(i))];
        List<TrialSpec> todo = [.. mine.Where(t => !done.Contains(t.Key))];
        SweepOutcome outcome = new()
        {
            Planned = plan.Count,
            InShard = mine.Count,
            AlreadyDone = mine.Count - todo.Count,
            FailedBefore = mine.Count(t => done.Contains(t.Key) && failedBefore.Contains(t.Key)),
            ResultsPath = results.Path,
        };
        // A line of results.csv that cannot be read is named, never dropped silently: its trial runs again.
        outcome.Notes.AddRange(results.Problems);
        if (stale is not null)
        {
            outcome.Notes.Add(stale);
        }
        int finished = outcome.AlreadyDone;
        progress?.Invoke(new TrialProgress(finished, mine.Count, null));
        foreach (TrialSpec trial in todo)
        {
            if (cancellation.IsCancellationRequested)
            {
                outcome.Cancelled = true;
                break;
            }
            TrialRecord record = RunOne(trial, definition, outcome, runDirectory, cancellation) with { Node = MachineIdentity.Node, CpuModel = MachineIdentity.CpuModel };
            if (cancellation.IsCancellationRequested && record.Result.Status != TrialStatus.Ok)
            {
                // Ctrl+C reaches the trial process too: its death is the interruption, not a result.
                outcome.Cancelled = true;
                break;
            }
            if (RetryFailed && failedBefore.Contains(trial.Key))
            {
                results.Replace(record);
            }
            else
            {
                results.Append(record);
            }
            SeriesFile.Append(runDirectory, record);
            LatencyFile.Append(runDirectory, record);
            outcome.Ran[record.Result.Status] = outcome.Count(record.Result.Status) + 1;
            finished++;
            progress?.Invoke(new TrialProgress(finished, mine.Count, record));
        }
        return outcome;
    }

    private TrialRecord RunOne(TrialSpec trial, SweepDefinition definition, SweepOutcome outcome, string runDirectory, CancellationToken cancellation)
    {
        AllocatorInfo info = AllocatorCatalog.Find(trial.Allocator)!;
        bool inProcess = _launcher is null || definition.InProcess;
        Workload workload = WorkloadCatalog.Find(trial.Benchmark)!;
        string? unavailable = workload.RunsOutside
            ? workload.Obstacle(info, trial)
            : info.Unavailable ?? workload.Obstacle(info, trial) ?? (inProcess ? info.InProcessObstacle : null);
        if (unavailable is not null)
        {
            if (!outcome.Notes.Contains(unavailable))
            {
                outcome.Notes.Add(unavailable);
            }
            return TrialRecord.FinishedNow(trial, new TrialResult { Status = TrialStatus.Skipped, Message = unavailable }, isolated: _launcher is not null);
        }
        if (inProcess || _launcher is null)
        {
            return TrialRecord.FinishedNow(trial, TrialHost.Execute(trial, wholeProcess: false), isolated: false);
        }
        return TrialRecord.FinishedNow(trial, _launcher.Run(trial, TimeSpan.FromSeconds(definition.TimeoutSeconds), runDirectory, cancellation), isolated: true);
    }

    private static void PrepareDirectory(string runDirectory)
    {
        try
        {
            Directory.CreateDirectory(runDirectory);
            string probe = Path.Combine(runDirectory, ".write-test");
            File.WriteAllText(probe, "");
            File.Delete(probe);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new UsageException($"cannot write to '{runDirectory}': choose a writable folder, e.g. --out data/runs/NAME", e);
        }
    }
}
