namespace Workbench.Benchmarks.Platform;

/// <summary>
/// Pins trial processes to CPUs. A process started by a thread inherits that thread's CPU mask, and the .NET
/// runtime starts every thread of its own with the mask the process started with (it resets the mask a thread
/// inherits), so a trial is pinned by pinning the launching thread while it starts the trial process.
/// </summary>
public static class CpuAffinity
{
    /// <summary>
    /// Pins the calling thread to <paramref name="cpus"/> (numbers below 64) until the returned scope is disposed,
    /// which puts the thread's previous mask back. An empty list pins nothing.
    /// </summary>
    /// <exception cref="ArgumentException">A CPU is out of range or the OS refuses the mask.</exception>
    public static IDisposable PinCallingThreadWhile(IReadOnlyCollection<int> cpus)
    {
        ArgumentNullException.ThrowIfNull(cpus);
        if (cpus.Count == 0 || !OperatingSystem.IsLinux())
        {
            return new Scope(0);
        }
        ulong previous = Get();
        Set(MaskOf(cpus), cpus);
        return new Scope(previous);
    }

    /// <summary>The CPUs the calling thread may run on.</summary>
    public static IReadOnlyList<int> OfCallingThread()
    {
        ulong mask = MaskOfCallingThread();
        return [.. Enumerable.Range(0, 64).Where(c => (mask >> c & 1) != 0)];
    }

    /// <summary>The calling thread's CPU mask (bit i: CPU i); 0 where it cannot be read.</summary>
    public static ulong MaskOfCallingThread() => OperatingSystem.IsLinux() ? Get() : 0;

    private static ulong MaskOf(IReadOnlyCollection<int> cpus)
    {
        ulong mask = 0;
        foreach (int cpu in cpus)
        {
            if (cpu < 0 || cpu >= 64 || cpu >= Environment.ProcessorCount)
            {
                throw new ArgumentException($"CPU {cpu} does not exist here (CPUs 0 to {Environment.ProcessorCount - 1}): write e.g. --cpus 0,1");
            }
            mask |= 1UL << cpu;
        }
        return mask;
    }

    private static unsafe ulong Get()
    {
        ulong mask = 0;
        return NativeMethods.SchedGetAffinity(0, sizeof(ulong), &mask) == 0 ? mask : ~0UL;
    }

    private static unsafe void Set(ulong mask, IReadOnlyCollection<int> cpus)
    {
        if (NativeMethods.SchedSetAffinity(0, sizeof(ulong), &mask) != 0)
        {
            throw new ArgumentException($"the OS refused to pin to CPUs {string.Join(',', cpus)} (errno {System.Runtime.InteropServices.Marshal.GetLastPInvokeError()})");
        }
    }

    private sealed class Scope(ulong previous) : IDisposable
    {
        public unsafe void Dispose()
        {
            if (previous != 0)
            {
                ulong mask = previous;
                NativeMethods.SchedSetAffinity(0, sizeof(ulong), &mask);
            }
        }
    }
}
