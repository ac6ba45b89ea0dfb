using System.Buffers.Text;
using Microsoft.Win32.SafeHandles;

namespace Workbench.Benchmarks.Platform;

/// <summary>
/// The workbench's one reader of this process's resident set size, from <c>/proc/self/statm</c> (Linux; 0 where the
/// file cannot be read). It does not allocate: the file is opened once and each read goes into a stack buffer, so
/// sampling often does not itself grow the managed heap, and with it the RSS that it measures.
/// </summary>
/// <remarks>
/// One probe may be read from many threads at once. Each read is a positioned read at offset 0
/// (<see cref="RandomAccess.Read(SafeFileHandle, Span{byte}, long)"/>, <c>pread</c>), which leaves the shared file
/// position alone; the kernel serves <c>statm</c> through a sequence file that takes its own lock for each read and
/// makes the text afresh for a read at offset 0, so concurrent readers each get a whole, current line.
/// </remarks>
public sealed class RssProbe : IDisposable
{
    private static readonly long s_pageKib = Environment.SystemPageSize / 1024;
    private readonly SafeFileHandle? _statm;

    /// <summary>Opens <c>/proc/self/statm</c>.</summary>
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
    }

    /// <summary>The resident set size now, in KiB (0 if it cannot be read).</summary>
    public long CurrentKib()
    {
        if (_statm is null)
        {
            return 0;
        }
        Span<byte> text = stackalloc byte[256];
        int length;
        try
        {
            length = RandomAccess.Read(_statm, text, 0);
        }
        catch (IOException)
        {
            return 0;
        }
        // "size resident shared text lib data dt", in pages.
        ReadOnlySpan<byte> fields = text[..length];
        int space = fields.IndexOf((byte)' ');
        return space >= 0 && Utf8Parser.TryParse(fields[(space + 1)..], out long pages, out _) ? pages * s_pageKib : 0;
    }

    /// <summary>Closes the file.</summary>
    public void Dispose() => _statm?.Dispose();
}
