using System.Buffers.Binary;
using System.IO.Compression;

namespace Workbench.Benchmarks.Traces;

/// <summary>
/// Writes a trace file (<see cref="TraceFormat"/>) event by event, one compressed block at a time, and its summary
/// when <see cref="Complete()"/> is called. New objects get the ids 0, 1, 2, ... in order; the methods return them.
/// Not thread-safe: <see cref="TraceRecorder"/> serialises calls from many threads.
/// </summary>
public sealed class TraceWriter : IDisposable
{
    private readonly Stream _stream;
    private readonly bool _leaveOpen;
    private string _source;
    private readonly TraceTally _tally = new();
    private readonly byte[] _plain = new byte[TraceFormat.TargetPlainBytes + TraceFormat.MaxEventBytes];
    private int _length;
    private int _blockEvents;
    private int _blockThread;
    private readonly long _start;
    private TraceInfo? _info;

    /// <summary>A writer on a seekable stream positioned where the trace starts (the header is patched at the end).</summary>
    /// <param name="stream">Where the trace goes; must be seekable.</param>
    /// <param name="source">One line saying where the trace comes from (the recorded command line).</param>
    /// <param name="leaveOpen">Whether the stream stays open when the writer is disposed.</param>
    public TraceWriter(Stream stream, string source, bool leaveOpen = false)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.CanSeek || !stream.CanWrite)
        {
            throw new ArgumentException("a trace is written to a seekable, writable stream (a file)", nameof(stream));
        }
        _stream = stream;
        _leaveOpen = leaveOpen;
        _source = (source ?? "").ReplaceLineEndings(" ");
        Span<byte> header = stackalloc byte[TraceFormat.HeaderBytes];
        header.Clear();
        TraceFormat.Magic.CopyTo(header);
        BinaryPrimitives.WriteUInt16LittleEndian(header[8..], TraceFormat.Version);
        BinaryPrimitives.WriteUInt16LittleEndian(header[10..], TraceFormat.CodecDeflate);
        _start = stream.Position;
        stream.Write(header);
    }

    /// <summary>A writer that creates (or replaces) the file at <paramref name="path"/>.</summary>
    public static TraceWriter Create(string path, string source) =>
        new(new FileStream(path, FileMode.Create, FileAccess.ReadWrite, FileShare.Read, 1 << 16), source);

    /// <summary>The id the next new object gets.</summary>
    public long NextId => _tally.NextId;

    /// <summary>Events written so far.</summary>
    public long Events { get; private set; }

    /// <summary>Bytes asked for and not yet freed, after the events written so far.</summary>
    public long LiveBytes => _tally.LiveBytes;

    /// <summary>Whether the object is live (allocated and not yet freed).</summary>
    public bool IsLive(long id) => _tally.IsLive(id);

    /// <summary>Writes a malloc; returns the new object's id.</summary>
    public long Malloc(int thread, ulong size) => Allocate(TraceOperation.Malloc, thread, size, 0);

    /// <summary>Writes a calloc of <paramref name="size"/> bytes in all; returns the new object's id.</summary>
    public long Calloc(int thread, ulong size) => Allocate(TraceOperation.Calloc, thread, size, 0);

    /// <summary>Writes an aligned allocation; returns the new object's id.</summary>
    /// <exception cref="ArgumentException">The alignment is not a power of two.</exception>
    public long AlignedAlloc(int thread, ulong alignment, ulong size)
    {
        if (alignment == 0 || (alignment & (alignment - 1)) != 0)
        {
            throw new ArgumentException($"alignment {alignment} is not a power of two", nameof(alignment));
        }
        return Allocate(TraceOperation.AlignedAlloc, thread, size, alignment);
    }

    /// <summary>Writes a realloc of a live object to <paramref name="size"/> bytes (the object keeps its id).</summary>
    public void Realloc(int thread, long id, ulong size) => Write(new TraceEvent(TraceOperation.Realloc, id, size, 0, thread));

    /// <summary>Writes the free of a live object.</summary>
    public void Free(int thread, long id) => Write(new TraceEvent(TraceOperation.Free, id, 0, 0, thread));

    /// <summary>Writes one event (a new object's id must be <see cref="NextId"/>).</summary>
    /// <exception cref="ArgumentException">The event names an object that is not live, a wrong new id, or a bad thread.</exception>
    /// <exception cref="InvalidOperationException">The trace is already complete.</exception>
    public void Write(in TraceEvent e)
    {
        if (_info is not null)
        {
            throw new InvalidOperationException("the trace is complete: no event can follow its summary");
        }
        if (e.Thread is < 0 or > TraceFormat.MaxThread)
        {
            throw new ArgumentException($"thread {e.Thread} is out of range: threads are numbered 0 to {TraceFormat.MaxThread}");
        }
        long next = _tally.NextId;
        _tally.Add(e);
        byte first = (byte)e.Operation;
        if (e.Thread != _blockThread)
        {
            first |= TraceFormat.ThreadFlag;
        }
        int p = _length;
        _plain[p++] = first;
        if ((first & TraceFormat.ThreadFlag) != 0)
        {
            p = Varint.Write(_plain, p, (ulong)e.Thread);
            _blockThread = e.Thread;
        }
        switch (e.Operation)
        {
            case TraceOperation.Malloc:
            case TraceOperation.Calloc:
                p = Varint.Write(_plain, p, e.Size);
                break;
            case TraceOperation.AlignedAlloc:
                p = Varint.Write(_plain, p, (ulong)System.Numerics.BitOperations.Log2(e.Alignment));
                p = Varint.Write(_plain, p, e.Size);
                break;
            case TraceOperation.Realloc:
                p = Varint.Write(_plain, p, (ulong)(next - 1 - e.Object));
                p = Varint.Write(_plain, p, e.Size);
                break;
            default:
                p = Varint.Write(_plain, p, (ulong)(next - 1 - e.Object));
                break;
        }
        _length = p;
        _blockEvents++;
        Events++;
        if (_length >= TraceFormat.TargetPlainBytes)
        {
            FlushBlock();
        }
    }

    /// <summary>Completes the trace (see <see cref="Complete()"/>) with <paramref name="source"/> as the line saying where it comes from.</summary>
    public TraceInfo Complete(string source)
    {
        if (_info is null)
        {
            _source = (source ?? "").ReplaceLineEndings(" ");
        }
        return Complete();
    }

    /// <summary>
    /// Writes the last events block and the summary, and patches the header so readers find the summary.
    /// Returns the summary. Calling it again returns the same summary.
    /// </summary>
    public TraceInfo Complete()
    {
        if (_info is not null)
        {
            return _info;
        }
        FlushBlock();
        TraceInfo info = _tally.ToInfo(_source);
        long summaryAt = _stream.Position;
        WriteBlock(TraceFormat.SummaryBlock, info.Encode(), 0);
        long end = _stream.Position;
        Span<byte> offset = stackalloc byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(offset, summaryAt - _start);
        _stream.Position = _start + TraceFormat.SummaryOffsetField;
        _stream.Write(offset);
        _stream.Position = end;
        _stream.Flush();
        _info = info;
        return info;
    }

    /// <summary>Completes the trace (if not yet) and closes the stream unless asked to leave it open.</summary>
    public void Dispose()
    {
        try
        {
            Complete();
        }
        finally
        {
            if (!_leaveOpen)
            {
                _stream.Dispose();
            }
        }
    }

    private long Allocate(TraceOperation operation, int thread, ulong size, ulong alignment)
    {
        long id = _tally.NextId;
        Write(new TraceEvent(operation, id, size, alignment, thread));
        return id;
    }

    private void FlushBlock()
    {
        if (_blockEvents == 0)
        {
            return;
        }
        WriteBlock(TraceFormat.EventsBlock, _plain.AsSpan(0, _length), _blockEvents);
        _length = 0;
        _blockEvents = 0;
        _blockThread = 0;
    }

    private void WriteBlock(byte kind, ReadOnlySpan<byte> plain, int events)
    {
        using MemoryStream stored = new();
        using (DeflateStream deflate = new(stored, CompressionLevel.Optimal, leaveOpen: true))
        {
            deflate.Write(plain);
        }
        Span<byte> header = stackalloc byte[TraceFormat.BlockHeaderBytes];
        header[0] = kind;
        BinaryPrimitives.WriteUInt32LittleEndian(header[1..], checked((uint)stored.Length));
        BinaryPrimitives.WriteUInt32LittleEndian(header[5..], checked((uint)plain.Length));
        BinaryPrimitives.WriteUInt32LittleEndian(header[9..], checked((uint)events));
        BinaryPrimitives.WriteUInt32LittleEndian(header[13..], Crc32.Of(header[..13], stored.GetBuffer().AsSpan(0, (int)stored.Length)));
        _stream.Write(header);
        _stream.Write(stored.GetBuffer(), 0, (int)stored.Length);
    }
}
