using System.Globalization;
using System.Runtime.InteropServices;
using Workbench.Benchmarks.Platform;

namespace Workbench.Benchmarks.Tests;

/// <summary>The RSS probe reads what the kernel reports, follows the memory the process touches, and never allocates.</summary>
[Collection(ProcessMemoryCollection.Name)]
public sealed class RssProbeTests
{
    /// <summary>Settles the process's managed heap before each test (<see cref="ProcessMemoryCollection.Settle"/>).</summary>
    public RssProbeTests() => ProcessMemoryCollection.Settle();

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

    [Fact]
    public void SplitsTheAnonymousMemoryAsTheKernelCountsIt()
    {
        using RssProbe probe = new();
        long before = StatusKib("RssAnon:");
        MemoryUse use = probe.Read();
        long after = StatusKib("RssAnon:");
        Assert.InRange(use.AnonymousKib, Math.Min(before, after) - MiB, Math.Max(before, after) + MiB);
        Assert.True(use.RssKib > use.AnonymousKib, $"RSS {use.RssKib} KiB, anonymous {use.AnonymousKib} KiB: the runtime's code is file-backed");
        Assert.True(use.HeapKib >= 0 && use.MmapKib >= 0);
        Assert.True(use.HeapKib <= HeapMappingKib() + MiB, $"heap {use.HeapKib} KiB, larger than the [heap] mapping");
    }

    [Fact]
    public unsafe void MappedMemoryCountsAsMmapAndOnlyItsTouchedPages()
    {
        using RssProbe probe = new();
        const nuint bytes = 48 << 20;
        MemoryUse start = probe.Read();
        byte* memory = (byte*)NativeMemory.Alloc(bytes);
        try
        {
            // The first 32 MiB written; glibc maps a block this size on its own, and the rest is never touched.
            for (nuint offset = 0; offset < 32 << 20; offset += 4096)
            {
                memory[offset] = 1;
            }
            MemoryUse touched = probe.Read();
            long mmapGrowth = touched.MmapKib - start.MmapKib;
            // The rest of the process may grow or shrink meanwhile (the GC gives back memory on its own schedule): a band
            // of 8 MiB either way, which still tells 32 MiB from 32 MiB plus the runtime's own.
            Assert.InRange(mmapGrowth, 32 * MiB - 8 * MiB, 32 * MiB + 8 * MiB);
            Assert.InRange(touched.HeapKib - start.HeapKib, -4 * MiB, 4 * MiB);
            Assert.InRange(probe.ResidentKib((nint)memory, (nint)(memory + bytes)), 32 * MiB - 8, 32 * MiB + 8);
        }
        finally
        {
            NativeMemory.Free(memory);
        }
    }

    [Fact]
    public unsafe void MemoryTheBreakGrowsByCountsAsHeap()
    {
        using RssProbe probe = new();
        const int bytes = 8 << 20;
        MemoryUse start = probe.Read();
        byte* grown = (byte*)Sbrk(bytes);
        Assert.True((nint)grown != -1, "sbrk failed");
        for (int offset = 0; offset < bytes; offset += 4096)
        {
            grown[offset] = 1;
        }
        MemoryUse after = probe.Read();
        // Give the pages back if nothing moved the break since (glibc takes a foreign sbrk in its stride otherwise).
        if (Sbrk(0) == (nint)(grown + bytes))
        {
            Sbrk(-bytes);
        }
        Assert.True(after.HeapKib - start.HeapKib >= bytes / 1024 - 64, $"heap grew {after.HeapKib - start.HeapKib} KiB after {bytes / 1024} KiB were taken by sbrk and written");
        Assert.InRange(after.MmapKib - start.MmapKib, -8 * MiB, 8 * MiB);
    }

    [Fact]
    public void ReadingTheSplitDoesNotAllocate()
    {
        using RssProbe probe = new();
        long sum = 0;
        for (int i = 0; i < 10; i++)
        {
            sum += probe.Read().AnonymousKib;
        }
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 200; i++)
        {
            sum += probe.Read().AnonymousKib;
        }
        Assert.Equal(before, GC.GetAllocatedBytesForCurrentThread());
        Assert.True(sum > 0);
    }

    [DllImport("libc", EntryPoint = "sbrk")]
    private static extern nint Sbrk(nint increment);

    /// <summary>VmRSS of <c>/proc/self/status</c>, in KiB, read the ordinary (allocating) way.</summary>
    internal static long VmRssKib() => StatusKib("VmRSS:");

    private static long StatusKib(string field)
    {
        string line = File.ReadLines("/proc/self/status").Single(l => l.StartsWith(field, StringComparison.Ordinal));
        return long.Parse(line[field.Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
    }

    /// <summary>The size of the <c>[heap]</c> mapping in <c>/proc/self/maps</c>, KiB (0 when there is none).</summary>
    private static long HeapMappingKib()
    {
        string? line = File.ReadLines("/proc/self/maps").FirstOrDefault(l => l.EndsWith("[heap]", StringComparison.Ordinal));
        if (line is null)
        {
            return 0;
        }
        string[] range = line.Split(' ')[0].Split('-');
        return (long.Parse(range[1], NumberStyles.HexNumber, CultureInfo.InvariantCulture) - long.Parse(range[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture)) / 1024;
    }
}
