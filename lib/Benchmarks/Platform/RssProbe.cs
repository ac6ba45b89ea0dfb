using System.Buffers.Text;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Workbench.Benchmarks.Platform;

/// <summary>
/// The workbench's one reader of this process's resident memory (Linux; 0 where it cannot be read): the resident set
/// size from <c>/proc/self/statm</c> (<see cref="CurrentKib"/>) and its split into the brk heap and anonymous mmap
/// memory (<see cref="Read"/>). It does not allocate: the file is opened once, each read goes into a stack buffer and
/// the page map of the heap into a buffer of its own, so sampling often does not itself grow the managed heap, and
/// with it the memory it measures.
/// </summary>
/// <remarks>
/// <para>
/// One probe may be read from many threads at once. Each read of <c>statm</c> is a positioned read at offset 0
/// (<see cref="RandomAccess.Read(SafeFileHandle, Span{byte}, long)"/>, <c>pread</c>), which leaves the shared file
/// position alone; the kernel serves <c>statm</c> through a sequence file that takes its own lock for each read and
/// makes the text afresh for a read at offset 0, so concurrent readers each get a whole, current line. The heap's page
/// map is read under a lock of the probe's own.
/// </para>
/// <para>
/// The split, without walking <c>/proc/self/smaps</c> (a .NET process has 1,000-2,000 mappings, and one read of it takes
/// about 10 ms): <c>statm</c>'s resident minus its shared pages is the anonymous memory (the kernel's <c>RssAnon</c>);
/// the brk heap's resident pages are counted by <c>mincore</c> over <c>[start_brk, brk)</c> (<c>start_brk</c> from
/// <c>/proc/self/stat</c>, the current break from <c>brk(0)</c>); the rest of the anonymous memory is mmap. A read costs
/// a few microseconds plus <c>mincore</c>'s walk of the heap's page table (one byte per page).
/// </para>
/// </remarks>
public sealed class RssProbe : IDisposable
{
    private static readonly long s_pageBytes = Environment.SystemPageSize;
    private static readonly long s_pageKib = s_pageBytes / 1024;

    /// <summary>Pages whose residency one <c>mincore</c> call reports (the buffer's size, one byte each).</summary>
    private const int PagesPerCall = 1 << 16;

    private readonly SafeFileHandle? _statm;
    private readonly nint _heapStart;
    private readonly Lock _pageMapLock = new();
    private nint _pageMap;

    /// <summary>Opens <c>/proc/self/statm</c> and finds where the brk heap starts.</summary>
    public RssProbe()
    {
        try
        {
            _statm = File.OpenHandle("/proc/self/statm");
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
        _heapStart = HeapStart();
    }

    /// <summary>The resident set size now, in KiB (0 if it cannot be read).</summary>
    public long CurrentKib() => ReadStatm(out long resident, out _) ? resident * s_pageKib : 0;

    /// <summary>The resident memory now, whole and split into the brk heap and anonymous mmap memory (zeros if it cannot be read).</summary>
    public MemoryUse Read()
    {
        if (!ReadStatm(out long resident, out long shared))
        {
            return default;
        }
        long anonymous = Math.Max(0, resident - shared) * s_pageKib;
        long heap = Math.Min(anonymous, HeapResidentKib());
        return new MemoryUse(resident * s_pageKib, heap, anonymous - heap);
    }

    /// <summary>The resident KiB of the pages in <c>[start, end)</c> (rounded out to whole pages), by <c>mincore</c>; 0 where that fails.</summary>
    public unsafe long ResidentKib(nint start, nint end)
    {
        long first = (long)start / s_pageBytes;
        long last = ((long)end + s_pageBytes - 1) / s_pageBytes;
        if (last <= first)
        {
            return 0;
        }
        lock (_pageMapLock)
        {
            if (_pageMap == 0)
            {
                _pageMap = (nint)NativeMemory.Alloc(PagesPerCall);
            }
            byte* map = (byte*)_pageMap;
            long resident = 0;
            for (long page = first; page < last; page += PagesPerCall)
            {
                int pages = (int)Math.Min(PagesPerCall, last - page);
                if (NativeMethods.Mincore((nint)(page * s_pageBytes), (nuint)(pages * s_pageBytes), map) != 0)
                {
                    return 0;
                }
                for (int i = 0; i < pages; i++)
                {
                    resident += map[i] & 1;
                }
            }
            return resident * s_pageKib;
        }
    }

    /// <summary>Closes the file and frees the page map.</summary>
    public unsafe void Dispose()
    {
        _statm?.Dispose();
        lock (_pageMapLock)
        {
            NativeMemory.Free((void*)_pageMap);
            _pageMap = 0;
        }
    }

    /// <summary>The resident pages of the brk heap, in KiB (0 where there is none).</summary>
    private long HeapResidentKib()
    {
        if (_heapStart == 0)
        {
            return 0;
        }
        nint end = Brk(0);
        return end > _heapStart ? ResidentKib(_heapStart, end) : 0;
    }

    /// <summary>statm's resident and shared fields ("size resident shared text lib data dt", in pages).</summary>
    private bool ReadStatm(out long resident, out long shared)
    {
        resident = shared = 0;
        if (_statm is null)
        {
            return false;
        }
        Span<byte> text = stackalloc byte[256];
        int length;
        try
        {
            length = RandomAccess.Read(_statm, text, 0);
        }
        catch (IOException)
        {
            return false;
        }
        ReadOnlySpan<byte> fields = text[..length];
        int space = fields.IndexOf((byte)' ');
        if (space < 0 || !Utf8Parser.TryParse(fields[(space + 1)..], out resident, out int used))
        {
            return false;
        }
        fields = fields[(space + 1 + used)..];
        return fields.Length > 1 && Utf8Parser.TryParse(fields[1..], out shared, out _);
    }

    /// <summary>
    /// Field 47 of <c>/proc/self/stat</c>, <c>start_brk</c>: where the brk heap starts (0 where it cannot be read). The
    /// fields are counted after the command name's closing parenthesis, since the name may hold spaces.
    /// </summary>
    private static nint HeapStart()
    {
        try
        {
            string stat = File.ReadAllText("/proc/self/stat");
            string[] fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            // fields[0] is field 3 (state), so field 47 is fields[44].
            return fields.Length > 44 && long.TryParse(fields[44], out long start) ? (nint)start : 0;
        }
        catch (IOException)
        {
            return 0;
        }
        catch (UnauthorizedAccessException)
        {
            return 0;
        }
    }

    /// <summary>The brk system call: with 0 it changes nothing and returns the current break.</summary>
    private static nint Brk(nint address) => NativeMethods.Syscall(RuntimeInformation.ProcessArchitecture == Architecture.Arm64 ? 214 : 12, address);
}
