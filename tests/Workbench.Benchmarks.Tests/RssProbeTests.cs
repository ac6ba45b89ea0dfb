using System.Globalization;
using System.Runtime.InteropServices;
using Workbench.Benchmarks.Platform;

namespace Workbench.Benchmarks.Tests;

/// <summary>The RSS probe reads what the kernel reports, follows the memory the process touches, and never allocates.</summary>
public sealed class RssProbeTests
{
    private const long MiB = 1024;

    [Fact]
    public void ReadsTheSameResidentSetAsProcStatus()
    {
        using RssProbe probe = new();
        long before = VmRssKib();
        long read = probe.CurrentKib();
        long after = VmRssKib();
        Assert.True(before > 0 && read > 0, $"VmRSS {before} KiB, probe {read} KiB");
        // The kernel's per-CPU RSS counters make statm and status differ by a few hundred KiB at most.
        Assert.InRange(read, Math.Min(before, after) - MiB, Math.Max(before, after) + MiB);
    }

    [Fact]
    public unsafe void FollowsPagesTheProcessTouchesAndGivesBack()
    {
        using RssProbe probe = new();
        const nuint bytes = 64 << 20;
        long start = probe.CurrentKib();
        byte* memory = (byte*)NativeMemory.Alloc(bytes);
        try
        {
            for (nuint offset = 0; offset < bytes; offset += 4096)
            {
                memory[offset] = 1;
            }
            long touched = probe.CurrentKib();
            Assert.True(touched - start >= 60 * MiB, $"RSS grew by {touched - start} KiB after 64 MiB were touched");
        }
        finally
        {
            NativeMemory.Free(memory);
        }
        // 64 MiB is far above glibc's mmap threshold, so free unmaps it at once.
        long freed = probe.CurrentKib();
        Assert.True(freed - start < 8 * MiB, $"RSS still {freed - start} KiB above the start after the free");
    }

    [Fact]
    public void ReadingDoesNotAllocate()
    {
        using RssProbe probe = new();
        long sum = 0;
        for (int i = 0; i < 100; i++)
        {
            sum += probe.CurrentKib();
        }
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 1000; i++)
        {
            sum += probe.CurrentKib();
        }
        long after = GC.GetAllocatedBytesForCurrentThread();
        Assert.True(sum > 0);
        Assert.Equal(before, after);
    }

    [Fact]
    public void ThreadsSharingOneProbeEachReadAWholeValue()
    {
        using RssProbe probe = new();
        long reference = VmRssKib();
        long[] lowest = new long[4];
        long[] highest = new long[4];
        Parallel.For(0, 4, new ParallelOptions { MaxDegreeOfParallelism = 4 }, t =>
        {
            lowest[t] = long.MaxValue;
            for (int i = 0; i < 2000; i++)
            {
                long kib = probe.CurrentKib();
                lowest[t] = Math.Min(lowest[t], kib);
                highest[t] = Math.Max(highest[t], kib);
            }
        });
        // A torn or interleaved read would parse as 0 or as a number far from the process's RSS.
        Assert.InRange(lowest.Min(), reference / 2, reference * 2);
        Assert.InRange(highest.Max(), reference / 2, reference * 2);
    }

    /// <summary>VmRSS of <c>/proc/self/status</c>, in KiB, read the ordinary (allocating) way.</summary>
    internal static long VmRssKib()
    {
        string line = File.ReadLines("/proc/self/status").Single(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return long.Parse(line["VmRSS:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
    }
}
