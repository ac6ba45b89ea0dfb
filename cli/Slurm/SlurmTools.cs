using System.Diagnostics;
using Workbench.Benchmarks.Model;

namespace Workbench.Cli.Slurm;

/// <summary>
/// Runs Slurm's own commands (sbatch, squeue, sinfo, scancel) as child processes, with the caller's environment
/// (so <c>SLURM_CONF</c> chooses the cluster). Nothing here imitates Slurm: every answer is the command's.
/// </summary>
public static class SlurmTools
{
    /// <summary>What a Slurm command printed and how it exited.</summary>
    /// <param name="ExitCode">Its exit code.</param>
    /// <param name="Output">Standard output.</param>
    /// <param name="Error">Standard error, trimmed.</param>
    public readonly record struct Answer(int ExitCode, string Output, string Error)
    {
        /// <summary>Whether it exited with 0.</summary>
        public bool Ok => ExitCode == 0;
    }

    /// <summary>The full path of <paramref name="tool"/> on PATH, or null when it is not there.</summary>
    public static string? Find(string tool)
    {
        ArgumentNullException.ThrowIfNull(tool);
        foreach (string folder in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            string candidate = Path.Combine(folder, tool);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }
        return null;
    }

    /// <summary>Fails with one line when sbatch is absent: Slurm is not installed (or not on PATH) here.</summary>
    /// <exception cref="UsageException">No sbatch on PATH.</exception>
    public static void RequireSlurm()
    {
        if (Find("sbatch") is null || Find("squeue") is null)
        {
            throw new UsageException("Slurm is not installed here (no sbatch on PATH): run the sweep without --slurm, or from a Slurm cluster's login node");
        }
    }

    /// <summary>Runs <paramref name="tool"/> with <paramref name="arguments"/> and waits (at most a minute).</summary>
    /// <exception cref="UsageException">The tool is not on PATH.</exception>
    public static Answer Run(string tool, params IEnumerable<string> arguments)
    {
        string path = Find(tool) ?? throw new UsageException($"Slurm's {tool} is not on PATH: install Slurm's client commands (Debian package slurm-client) or run where they are");
        ProcessStartInfo start = new(path) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        using Process process = Process.Start(start) ?? throw new InvalidOperationException($"{tool} did not start");
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        Task<string> error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(1)))
        {
            process.Kill(entireProcessTree: true);
            return new Answer(-1, "", $"{tool} did not answer within a minute");
        }
        return new Answer(process.ExitCode, output.Result, error.Result.Trim());
    }
}
