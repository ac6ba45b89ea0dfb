namespace Workbench.Benchmarks.Platform;

/// <summary>
/// Which machine this process runs on, as a results row records it: the node's name (Slurm's name for it inside a
/// Slurm job, else the short host name) and the CPU model from <c>/proc/cpuinfo</c>. Both are read once.
/// Invariant: neither is empty (<c>unknown</c> when the OS does not say).
/// </summary>
public static class MachineIdentity
{
    private static readonly Lazy<string> s_cpuModel = new(ReadCpuModel);

    /// <summary>The node: <c>SLURMD_NODENAME</c> in a Slurm job, else the host name up to its first dot.</summary>
    public static string Node
    {
        get
        {
            string? slurm = Environment.GetEnvironmentVariable("SLURMD_NODENAME");
            string name = string.IsNullOrWhiteSpace(slurm) ? Environment.MachineName : slurm.Trim();
            int dot = name.IndexOf('.', StringComparison.Ordinal);
            name = dot > 0 ? name[..dot] : name;
            return name.Length > 0 ? name : "unknown";
        }
    }

    /// <summary>The CPU model (the first <c>model name</c> of <c>/proc/cpuinfo</c>), or <c>unknown</c>.</summary>
    public static string CpuModel => s_cpuModel.Value;

    private static string ReadCpuModel()
    {
        try
        {
            foreach (string line in File.ReadLines("/proc/cpuinfo"))
            {
                if (line.StartsWith("model name", StringComparison.Ordinal))
                {
                    string model = line[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim();
                    return model.Length > 0 ? model : "unknown";
                }
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
        return "unknown";
    }
}
