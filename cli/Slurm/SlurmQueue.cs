using System.Globalization;

namespace Workbench.Cli.Slurm;

/// <summary>
/// What Slurm says about jobs and nodes, from <c>squeue</c> and <c>sinfo</c> (there is no accounting without
/// slurmdbd, so no <c>sacct</c>). squeue knows a finished job for the cluster's MinJobAge (300 s by default); after
/// that a task's end is read from its exit file instead.
/// </summary>
public static class SlurmQueue
{
    /// <summary>One job or array task as squeue lists it.</summary>
    /// <param name="ArrayJob">The array's job id (the job's own for a job outside an array).</param>
    /// <param name="Task">The array task id, or null.</param>
    /// <param name="State">PENDING, RUNNING, COMPLETED, CANCELLED, FAILED, ...</param>
    /// <param name="Node">The node it runs or ran on ("" while pending).</param>
    /// <param name="Reason">Why it waits (e.g. Dependency, Resources), "None" otherwise.</param>
    public sealed record Entry(string ArrayJob, int? Task, string State, string Node, string Reason)
    {
        /// <summary>Whether the job is still to run or running.</summary>
        public bool Active => State is "PENDING" or "RUNNING" or "CONFIGURING" or "COMPLETING" or "SUSPENDED" or "REQUEUED" or "RESIZING";
    }

    /// <summary>A node that takes no new work (drained or draining), with the reason an administrator gave.</summary>
    /// <param name="Node">The node.</param>
    /// <param name="State">sinfo's state, e.g. drained.</param>
    /// <param name="Reason">The reason.</param>
    public sealed record DrainedNode(string Node, string State, string Reason);

    /// <summary>The entries of the jobs <paramref name="jobIds"/> that squeue still knows, every array task on its own line.</summary>
    public static List<Entry> Jobs(IEnumerable<string> jobIds)
    {
        ArgumentNullException.ThrowIfNull(jobIds);
        List<Entry> entries = [];
        string[] ids = [.. jobIds.Distinct()];
        if (ids.Length == 0 || SlurmTools.Find("squeue") is null)
        {
            return entries;
        }
        SlurmTools.Answer answer = SlurmTools.Run("squeue", "-h", "-r", "--states=all", "-j", string.Join(',', ids), "-o", "%F|%K|%T|%N|%r");
        if (!answer.Ok)
        {
            // "Invalid job id specified": squeue has forgotten every one of them.
            return entries;
        }
        foreach (string line in answer.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            string[] f = line.Split('|');
            if (f.Length < 5)
            {
                continue;
            }
            int? task = int.TryParse(f[1], NumberStyles.None, CultureInfo.InvariantCulture, out int t) ? t : null;
            entries.Add(new Entry(f[0], task, f[2], f[3], f[4]));
        }
        return entries;
    }

    /// <summary>The nodes sinfo reports drained or draining (none when sinfo is absent).</summary>
    public static List<DrainedNode> Drained()
    {
        List<DrainedNode> nodes = [];
        if (SlurmTools.Find("sinfo") is null)
        {
            return nodes;
        }
        SlurmTools.Answer answer = SlurmTools.Run("sinfo", "-h", "-N", "-o", "%N|%T|%E");
        if (!answer.Ok)
        {
            return nodes;
        }
        foreach (string line in answer.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            string[] f = line.Split('|', 3);
            if (f.Length == 3 && f[1].Contains("drain", StringComparison.OrdinalIgnoreCase) && !nodes.Any(n => n.Node == f[0]))
            {
                nodes.Add(new DrainedNode(f[0], f[1], f[2]));
            }
        }
        return nodes;
    }

    /// <summary>
    /// The most CPUs one node of <paramref name="partition"/> (the default partition when null) has, from
    /// <c>sinfo -o %c</c>; null when sinfo does not say.
    /// </summary>
    public static int? LargestNode(string? partition)
    {
        if (SlurmTools.Find("sinfo") is null)
        {
            return null;
        }
        List<string> arguments = ["-h", "-N", "-o", "%c|%P"];
        if (partition is { Length: > 0 })
        {
            arguments.AddRange(["-p", partition]);
        }
        SlurmTools.Answer answer = SlurmTools.Run("sinfo", arguments);
        if (!answer.Ok)
        {
            return null;
        }
        int? largest = null;
        foreach (string line in answer.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            string[] f = line.Split('|');
            // Without -p, only the default partition's nodes (sinfo marks it with a *).
            if (partition is not { Length: > 0 } && (f.Length < 2 || !f[1].EndsWith('*')))
            {
                continue;
            }
            if (int.TryParse(f[0].TrimEnd('+'), NumberStyles.None, CultureInfo.InvariantCulture, out int cpus))
            {
                largest = Math.Max(largest ?? 0, cpus);
            }
        }
        return largest;
    }

    /// <summary>Cancels a job (scancel); whether scancel accepted.</summary>
    public static bool Cancel(string jobId) => SlurmTools.Find("scancel") is not null && SlurmTools.Run("scancel", jobId).Ok;
}
