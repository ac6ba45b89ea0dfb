using System.Runtime.InteropServices;

namespace Workbench.Benchmarks.Platform;

/// <summary>
/// CPU time, peak RSS and page faults of this process, from <c>getrusage(RUSAGE_SELF)</c> (Linux); the peak RSS of
/// this process from <c>VmHWM</c> in <c>/proc/self/status</c>.
/// </summary>
/// <remarks>
/// Not <c>ru_maxrss</c> for the peak: Linux keeps it across exec, so a trial process started by the runner reports
/// at least the runner's own RSS at the fork (every trial of a sweep came out at the runner's 75 MiB). <c>VmHWM</c>
/// is the high-water mark of this program's own address space.
/// </remarks>
/// <param name="UserSeconds">User CPU seconds.</param>
/// <param name="SystemSeconds">System CPU seconds.</param>
/// <param name="MaxRssKib">Peak resident set size, KiB.</param>
/// <param name="MinorFaults">Minor page faults (reclaims).</param>
/// <param name="MajorFaults">Major page faults.</param>
public readonly record struct ResourceUsage(double UserSeconds, double SystemSeconds, long MaxRssKib, long MinorFaults, long MajorFaults)
{
    /// <summary>The usage of this process so far (zeros where getrusage is not available).</summary>
    public static ResourceUsage OfSelf()
    {
        ResourceUsage usage = Get(0);
        return HighWaterKib() is long hwm ? usage with { MaxRssKib = hwm } : usage;
    }

    /// <summary>The peak RSS of this process's address space (<c>VmHWM</c>), in KiB; null where it cannot be read.</summary>
    public static long? HighWaterKib()
    {
        try
        {
            foreach (string line in File.ReadLines("/proc/self/status"))
            {
                if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                {
                    string[] parts = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
                    return parts.Length >= 2 && long.TryParse(parts[1], System.Globalization.CultureInfo.InvariantCulture, out long kib) ? kib : null;
                }
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
        return null;
    }

    /// <summary>
    /// The usage of this process's children that have ended and been waited for (<c>RUSAGE_CHILDREN</c>);
    /// the difference around one child is that child's CPU time and faults (its peak RSS is not separable).
    /// </summary>
    public static ResourceUsage OfChildren() => Get(-1);

    private static ResourceUsage Get(int who)
    {
        if (!OperatingSystem.IsLinux())
        {
            return default;
        }
        if (NativeMethods.GetRUsage(who, out RUsage usage) != 0)
        {
            return default;
        }
        return new ResourceUsage(
            usage.UserSeconds + usage.UserMicroseconds / 1e6,
            usage.SystemSeconds + usage.SystemMicroseconds / 1e6,
            usage.MaxRss,
            usage.MinFlt,
            usage.MajFlt);
    }

    /// <summary>The difference <paramref name="after"/> - <paramref name="before"/> (the peak RSS is <paramref name="after"/>'s).</summary>
    public static ResourceUsage Delta(ResourceUsage before, ResourceUsage after) => new(
        after.UserSeconds - before.UserSeconds,
        after.SystemSeconds - before.SystemSeconds,
        after.MaxRssKib,
        after.MinorFaults - before.MinorFaults,
        after.MajorFaults - before.MajorFaults);

    [StructLayout(LayoutKind.Sequential)]
    internal struct RUsage
    {
        public long UserSeconds;
        public long UserMicroseconds;
        public long SystemSeconds;
        public long SystemMicroseconds;
        public long MaxRss;
        public long IxRss;
        public long IdRss;
        public long IsRss;
        public long MinFlt;
        public long MajFlt;
        public long NSwap;
        public long InBlock;
        public long OuBlock;
        public long MsgSnd;
        public long MsgRcv;
        public long NSignals;
        public long NVCsw;
        public long NIvCsw;
    }
}
