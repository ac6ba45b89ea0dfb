using System.Globalization;
using System.Text;

namespace Workbench.Benchmarks.Platform;

/// <summary>
/// This machine's processes as <c>/proc</c> shows them: which carry a variable in the environment they started with,
/// and ending them. Only processes of this user can be read or signalled; the others are passed over.
/// </summary>
public static class ProcessTable
{
    private const int Sigkill = 9;

    /// <summary>
    /// The live processes (not zombies) whose starting environment holds <paramref name="name"/>=<paramref name="value"/>,
    /// this process left out. A variable given to a process is inherited by every process it starts, so this finds a
    /// process and all it started, even those whose parent has died.
    /// </summary>
    public static List<int> WithVariable(string name, string value)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        byte[] wanted = Encoding.UTF8.GetBytes($"{name}={value}");
        List<int> found = [];
        foreach (string folder in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(folder), NumberStyles.None, CultureInfo.InvariantCulture, out int pid) || pid == Environment.ProcessId)
            {
                continue;
            }
            byte[] environment;
            try
            {
                environment = File.ReadAllBytes(Path.Combine(folder, "environ"));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                continue;
            }
            if (HasEntry(environment, wanted) && IsAlive(pid))
            {
                found.Add(pid);
            }
        }
        return found;
    }

    /// <summary>Whether the process exists and is not a zombie (one that has ended and waits to be reaped).</summary>
    public static bool IsAlive(int pid)
    {
        try
        {
            string stat = File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat");
            // pid (comm) STATE ...: the name may hold spaces and parentheses, the state follows the last ')'.
            int close = stat.LastIndexOf(')');
            return close > 0 && close + 2 < stat.Length && stat[close + 2] is not ('Z' or 'X');
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>Sends SIGKILL to each process; one that has already ended is passed over.</summary>
    public static void Kill(IEnumerable<int> pids)
    {
        ArgumentNullException.ThrowIfNull(pids);
        foreach (int pid in pids)
        {
            _ = NativeMethods.Kill(pid, Sigkill);
        }
    }

    /// <summary>Whether the NUL-separated entries hold <paramref name="entry"/> exactly.</summary>
    private static bool HasEntry(ReadOnlySpan<byte> environment, ReadOnlySpan<byte> entry)
    {
        while (environment.Length > 0)
        {
            int end = environment.IndexOf((byte)0);
            ReadOnlySpan<byte> current = end < 0 ? environment : environment[..end];
            if (current.SequenceEqual(entry))
            {
                return true;
            }
            environment = end < 0 ? [] : environment[(end + 1)..];
        }
        return false;
    }
}
