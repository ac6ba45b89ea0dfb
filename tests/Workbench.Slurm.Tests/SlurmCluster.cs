using System.Diagnostics;
using Workbench.Benchmarks;

namespace Workbench.Slurm.Tests;

/// <summary>
/// A one-node Slurm cluster of this machine for the tests of the "slurm" collection: started by
/// scripts/slurm-cluster.sh from a fresh folder under the temporary directory, and stopped (daemons killed from their
/// pid files) when the collection ends. While it runs, <c>SLURM_CONF</c> in this process points at it, so sbatch,
/// squeue, sinfo and the workbench's own calls of them use it. Invariant: exactly one of <see cref="Conf"/> and
/// <see cref="Unavailable"/> is set.
/// </summary>
public sealed class SlurmCluster : IDisposable
{
    private readonly string? _script;

    /// <summary>Starts the cluster; when it cannot, <see cref="Unavailable"/> says why in one line.</summary>
    public SlurmCluster()
    {
        Folder = Path.Combine(Path.GetTempPath(), $"wb-slurm-{Guid.NewGuid():N}");
        _script = RepositoryPaths.FindFile("scripts/slurm-cluster.sh");
        if (_script is null)
        {
            Unavailable = "Slurm tests skipped: scripts/slurm-cluster.sh not found above the tests' folder";
            return;
        }
        (int code, string output, string error) = Script("start");
        if (code != 0)
        {
            string why = error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault() ?? output.Trim();
            Unavailable = $"Slurm tests skipped: the one-node cluster did not start: {why}";
            return;
        }
        Conf = Path.Combine(Folder, "slurm.conf");
        Environment.SetEnvironmentVariable("SLURM_CONF", Conf);
        Node = Environment.MachineName.Split('.')[0];
    }

    /// <summary>The cluster's folder (configuration, state, logs).</summary>
    public string Folder { get; }

    /// <summary>Its slurm.conf, when it runs.</summary>
    public string? Conf { get; }

    /// <summary>Why it does not run (one line), or null.</summary>
    public string? Unavailable { get; }

    /// <summary>Its one node's name.</summary>
    public string Node { get; } = "";

    /// <summary>Stops the daemons and removes the folder.</summary>
    public void Dispose()
    {
        if (Conf is not null)
        {
            Script("stop");
            Environment.SetEnvironmentVariable("SLURM_CONF", null);
        }
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private (int Code, string Output, string Error) Script(string action)
    {
        ProcessStartInfo start = new("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(_script!);
        start.ArgumentList.Add(action);
        start.ArgumentList.Add(Folder);
        using Process process = Process.Start(start)!;
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        Task<string> error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromSeconds(60)))
        {
            process.Kill(entireProcessTree: true);
            return (-1, "", "scripts/slurm-cluster.sh did not finish in 60 s");
        }
        return (process.ExitCode, output.Result, error.Result);
    }
}
