using System.Diagnostics;
using System.IO.Compression;
using System.Text;

namespace Workbench.Benchmarks.Traces;

/// <summary>
/// Opens a heaptrack recording as text, whatever its compression: zstd (what heaptrack writes when the zstd tool is
/// installed; decompressed as a stream by <c>zstd -dc</c>, Debian package <c>zstd</c>), gzip (heaptrack's fallback),
/// or plain text. Nothing is decompressed to disk or held whole in memory.
/// </summary>
public static class RecordingInput
{
    private static readonly byte[] ZstdMagic = [0x28, 0xB5, 0x2F, 0xFD];
    private static readonly byte[] GzipMagic = [0x1F, 0x8B];

    /// <summary>The recording's text.</summary>
    /// <exception cref="FileNotFoundException">There is no such file.</exception>
    /// <exception cref="TraceToolException">The file is zstd-compressed and zstd is missing or fails.</exception>
    public static TextReader Open(string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"no heaptrack recording '{path}': give the file heaptrack --raw wrote, e.g. NAME.raw.zst", path);
        }
        byte[] head = new byte[4];
        int got;
        using (FileStream probe = File.OpenRead(path))
        {
            got = probe.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        }
        if (got >= 4 && head.AsSpan().SequenceEqual(ZstdMagic))
        {
            return OpenZstd(path);
        }
        FileStream file = File.OpenRead(path);
        Stream text = got >= 2 && head.AsSpan(0, 2).SequenceEqual(GzipMagic) ? new GZipStream(file, CompressionMode.Decompress) : file;
        return new StreamReader(text, Encoding.UTF8, detectEncodingFromByteOrderMarks: false, 1 << 16);
    }

    private static StreamReader OpenZstd(string path)
    {
        string zstd = ExternalTools.Require("zstd", "zstd", $"reading the zstd-compressed recording '{path}'");
        ProcessStartInfo start = new(zstd)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in new[] { "-dc", "--no-progress", "--", path })
        {
            start.ArgumentList.Add(argument);
        }
        Process process = Process.Start(start) ?? throw new TraceToolException($"could not start {zstd}");
        return new StreamReader(new ProcessOutputStream(process, $"zstd -dc {path}"), Encoding.UTF8, detectEncodingFromByteOrderMarks: false, 1 << 16);
    }
}
