using System.Runtime.InteropServices;

namespace Workbench.Benchmarks.Platform;

/// <summary>
/// The C library calls this process makes about itself and its processes: getrusage, the CPU affinity of the calling
/// thread, the signal it gets when its parent dies, sending a signal, the kind of a file (statx), and the break and resident pages of its memory.
/// </summary>
internal static partial class NativeMethods
{
    /// <summary>statx(2): the same layout on every architecture, unlike stat(2)'s struct.</summary>
    [LibraryImport("libc", EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static unsafe partial int Statx(int dirfd, string path, int flags, uint mask, byte* buffer);

    [LibraryImport("libc", EntryPoint = "getrusage")]
    internal static partial int GetRUsage(int who, out ResourceUsage.RUsage usage);

    /// <summary>sched_setaffinity(2): pid 0 is the calling thread; processes it starts inherit the mask.</summary>
    [LibraryImport("libc", EntryPoint = "sched_setaffinity", SetLastError = true)]
    internal static unsafe partial int SchedSetAffinity(int pid, nuint size, ulong* mask);

    /// <summary>sched_getaffinity(2) of the calling thread (pid 0).</summary>
    [LibraryImport("libc", EntryPoint = "sched_getaffinity", SetLastError = true)]
    internal static unsafe partial int SchedGetAffinity(int pid, nuint size, ulong* mask);

    /// <summary>prctl(2) with an option that takes one argument (the others zero).</summary>
    [LibraryImport("libc", EntryPoint = "prctl", SetLastError = true)]
    internal static partial int Prctl(int option, nuint argument2, nuint argument3, nuint argument4, nuint argument5);

    /// <summary>getppid(2): the parent's process id (1 or a subreaper's once the parent has died).</summary>
    [LibraryImport("libc", EntryPoint = "getppid")]
    internal static partial int GetParentProcessId();

    /// <summary>syscall(2) with one argument (brk(2) itself, whose glibc wrapper returns only 0 or -1).</summary>
    [LibraryImport("libc", EntryPoint = "syscall")]
    internal static partial nint Syscall(nint number, nint argument);

    /// <summary>mincore(2): one byte per page of a page-aligned range, its low bit set where the page is resident.</summary>
    [LibraryImport("libc", EntryPoint = "mincore")]
    internal static unsafe partial int Mincore(nint address, nuint length, byte* vector);

    /// <summary>kill(2).</summary>
    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    internal static partial int Kill(int pid, int signal);
}
