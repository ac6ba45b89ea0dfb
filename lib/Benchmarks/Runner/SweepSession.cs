using System.Diagnostics;
using Workbench.Benchmarks.Model;

namespace Workbench.Benchmarks.Runner;

/// <summary>
/// A sweep run the way the command line's run, sweep and quick commands and the notebooks' <c>Notebook.Sweep</c> run
/// it: the whole plan checked before anything is written, then each trial in its own process of the workbench program
/// (in this process when the sweep asks for it, <see cref="SweepDefinition.InProcess"/>, or when there is no program to
/// start), each row appended to the run folder as its trial ends, and the time it all took.
/// </summary>
public sealed class SweepSession
{
    /// <summary>Checks the sweep; <paramref name="launcher"/> starts its trial processes (null: there is no program to start).</summary>
    /// <exception cref="UsageException">A name, size spec, thread count or knob is wrong; the message says what to type.</exception>
    public SweepSession(SweepDefinition definition, TrialLauncher? launcher)
    {
        ArgumentNullException.ThrowIfNull(definition);
        Definition = definition;
        Plan = SweepPlan.Expand(definition);
        Launcher = definition.InProcess ? null : launcher;
    }

    /// <summary>The sweep.</summary>
    public SweepDefinition Definition { get; }

    /// <summary>Its trials, in the order they run (before sharding and resuming).</summary>
    public IReadOnlyList<TrialSpec> Plan { get; }

    /// <summary>What starts each trial's process; null when the trials run in this process.</summary>
    public TrialLauncher? Launcher { get; }

    /// <summary>Whether a resumed sweep runs its failed and timed-out trials again (<see cref="SweepRunner.RetryFailed"/>).</summary>
    public bool RetryFailed { get; init; }

    /// <summary>Runs share <paramref name="shard"/> of the sweep into <paramref name="runDirectory"/> (see <see cref="SweepRunner"/>).</summary>
    /// <exception cref="UsageException">The folder cannot be written.</exception>
    public SweepOutcome Run(string runDirectory, Shard shard, IReadOnlyList<string> commandLine,
        Action<TrialProgress>? progress = null, CancellationToken cancellation = default)
    {
        Stopwatch clock = Stopwatch.StartNew();
        SweepOutcome outcome = new SweepRunner(Launcher) { RetryFailed = RetryFailed }.Run(Definition, runDirectory, shard, commandLine, progress, cancellation);
        outcome.Elapsed = clock.Elapsed;
        return outcome;
    }
}
