using System.Runtime.InteropServices;

namespace Workbench.Benchmarks.Runner;

/// <summary>The C library calls the runner makes (getrusage).</summary>
internal static partial class NativeMethods
{
    [LibraryImport("libc", EntryPoint = "getrusage")]
    internal static partial int GetRUsage(int who, out ResourceUsage.RUsage usage);
}
