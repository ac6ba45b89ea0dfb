using System.Runtime.InteropServices;

namespace Workbench.Benchmarks.Runner;

/// <summary>CPU time, peak RSS and page faults of this process, from <c>getrusage(RUSAGE_SELF)</c> (Linux).</summary>
/// <param name="UserSeconds">User CPU seconds.</param>
/// <param name="SystemSeconds">System CPU seconds.</param>
/// <param name="MaxRssKib">Peak resident set size, KiB.</param>
/// <param name="MinorFaults">Minor page faults (reclaims).</param>
/// <param name="MajorFaults">Major page faults.</param>
public readonly record struct ResourceUsage(double UserSeconds, double SystemSeconds, long MaxRssKib, long MinorFaults, long MajorFaults)
{
    /// <summary>The usage of this process so far (zeros where getrusage is not available).</summary>
    public static ResourceUsage OfSelf() => Get(0);

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
