using System.Runtime.InteropServices;

namespace Workbench.Benchmarks.Platform;

/// <summary>The C library calls this process makes about itself: getrusage, and the CPU affinity of the calling thread.</summary>
internal static partial class NativeMethods
{
    [LibraryImport("libc", EntryPoint = "getrusage")]
    internal static partial int GetRUsage(int who, out ResourceUsage.RUsage usage);

    /// <summary>sched_setaffinity(2): pid 0 is the calling thread; processes it starts inherit the mask.</summary>
    [LibraryImport("libc", EntryPoint = "sched_setaffinity", SetLastError = true)]
    internal static unsafe partial int SchedSetAffinity(int pid, nuint size, ulong* mask);

    /// <summary>sched_getaffinity(2) of the calling thread (pid 0).</summary>
    [LibraryImport("libc", EntryPoint = "sched_getaffinity", SetLastError = true)]
    internal static unsafe partial int SchedGetAffinity(int pid, nuint size, ulong* mask);
}
