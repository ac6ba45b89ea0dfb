using System.CommandLine;
using Spectre.Console;
using Workbench.Benchmarks.Model;
using Workbench.Benchmarks.Runner;

namespace Workbench.Cli.Slurm;

/// <summary>The options of <c>sweep --slurm</c>, and what the sweep command does with them: submit instead of run.</summary>
public sealed class SlurmOptions
{
    /// <summary>--slurm.</summary>
    public Option<bool> Slurm { get; } = new("--slurm") { Description = "submit the sweep to Slurm as a job array (one share per task) and a merge job, instead of running it here" };

    /// <summary>--tasks.</summary>
    public Option<int?> Tasks { get; } = new("--tasks") { Description = $"with --slurm: array tasks, i.e. shares (default {SlurmRequest.DefaultTasks}, at most one per trial)" };

    /// <summary>--nodes: as many tasks as nodes, each on a whole node of its own.</summary>
    public Option<int?> Nodes { get; } = new("--nodes") { Description = "with --slurm: the nodes to spread the sweep over, one task (share) on each; the same as --tasks N with whole nodes" };

    /// <summary>--partition.</summary>
    public Option<string?> Partition { get; } = new("--partition") { Description = "with --slurm: the partition (default: the cluster's)" };

    /// <summary>--time.</summary>
    public Option<string?> Time { get; } = new("--time") { Description = "with --slurm: each task's time limit, as sbatch takes it, e.g. 4:00:00" };

    /// <summary>--exclusive.</summary>
    public Option<bool> Exclusive { get; } = new("--exclusive") { Description = "with --slurm: each task gets whole nodes (default true; --exclusive false shares nodes, for untimed work)", DefaultValueFactory = _ => true };

    /// <summary>Adds the options to a command.</summary>
    public void AddTo(Command command)
    {
        ArgumentNullException.ThrowIfNull(command);
        command.Add(Slurm);
        command.Add(Tasks);
        command.Add(Nodes);
        command.Add(Partition);
        command.Add(Time);
        command.Add(Exclusive);
    }

    /// <summary>Whether the command line asks for Slurm.</summary>
    /// <exception cref="UsageException">A Slurm option is given without --slurm, or --slurm with --shard.</exception>
    public bool Requested(ParseResult parse, bool sharded)
    {
        ArgumentNullException.ThrowIfNull(parse);
        bool slurm = parse.GetValue(Slurm);
        if (!slurm && (parse.GetValue(Tasks) is not null || parse.GetValue(Nodes) is not null || parse.GetValue(Partition) is not null || parse.GetValue(Time) is not null))
        {
            throw new UsageException("--tasks, --nodes, --partition and --time go with --slurm: add --slurm, e.g. workbench sweep EXPERIMENT --slurm --tasks 4");
        }
        if (parse.GetValue(Tasks) is not null && parse.GetValue(Nodes) is not null)
        {
            throw new UsageException("--nodes N runs one task on each of N nodes, so it sets the tasks too: give --nodes or --tasks, not both");
        }
        if (parse.GetValue(Nodes) is int nodes && nodes < 1)
        {
            throw new UsageException($"--nodes {nodes}: write a number of nodes of 1 or more, e.g. --nodes 4");
        }
        if (parse.GetValue(Nodes) is not null && !parse.GetValue(Exclusive))
        {
            throw new UsageException("--nodes puts each task on a whole node of its own: drop --exclusive false, or use --tasks N to share nodes");
        }
        if (slurm && sharded)
        {
            throw new UsageException("--slurm shards the sweep itself: drop --shard and choose the shares with --tasks N");
        }
        return slurm;
    }

    /// <summary>Submits the sweep and prints the job ids and the command that shows progress; returns the exit code.</summary>
    public int Submit(CliContext context, ParseResult parse, SweepDefinition definition, string runDirectory)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(parse);
        SlurmTools.RequireSlurm();
        List<TrialSpec> plan = SweepPlan.Expand(definition);
        SlurmRequest request = new(parse.GetValue(Tasks) ?? parse.GetValue(Nodes), parse.GetValue(Partition), parse.GetValue(Time), parse.GetValue(Exclusive));
        SlurmRun run = SlurmSubmitter.Submit(definition, plan, runDirectory, request, context.Arguments);
        SlurmSubmission submission = run.Latest;
        IAnsiConsole console = context.Console;
        console.MarkupLine($"[bold]{Markup.Escape(definition.Name)}[/]: {run.Trials} trials in {run.Tasks} Slurm tasks of {run.CpusPerTask} CPUs{(run.Exclusive ? " on whole nodes" : "")}");
        console.WriteLine($"array job {submission.ArrayJob} (tasks {SlurmSubmission.ArraySpec(submission.Tasks)}), merge job {submission.MergeJob} after it");
        console.WriteLine($"results: {Path.Combine(runDirectory, "results.csv")} when job {submission.MergeJob} ends");
        console.WriteLine($"progress: workbench status {runDirectory}");
        return ExitCodes.Ok;
    }
}
