using System.Buffers.Text;
using Microsoft.Win32.SafeHandles;

namespace Workbench.Benchmarks.Traces;

/// <summary>
/// Reads this process's resident set size from <c>/proc/self/statm</c> without allocating: the file is opened once
/// and read into a stack buffer, so sampling often does not itself grow the managed heap (and with it the RSS that
/// it measures). 0 where the file cannot be read.
/// </summary>
internal sealed class RssProbe : IDisposable
{
    private static readonly long PageKib = Environment.SystemPageSize / 1024;
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

    /// <summary>The resident set size now, in KiB.</summary>
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
        return space >= 0 && Utf8Parser.TryParse(fields[(space + 1)..], out long pages, out _) ? pages * PageKib : 0;
    }

    /// <summary>Closes the file.</summary>
    public void Dispose() => _statm?.Dispose();
}
