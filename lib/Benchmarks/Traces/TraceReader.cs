using System.Buffers.Binary;
using System.IO.Compression;

namespace Workbench.Benchmarks.Traces;

/// <summary>
/// Reads a trace file (<see cref="TraceFormat"/>) as a stream of events, one block in memory at a time, so a trace of
/// any length is read in constant memory. The summary (<see cref="Info"/>) is read when the file is opened.
/// Every block's lengths and CRC-32 are checked, and the events are checked against the summary; any fault is a
/// <see cref="TraceFormatException"/> that names the byte offset.
/// </summary>
public sealed class TraceReader : IDisposable
{
    private readonly Stream _stream;
    private readonly bool _leaveOpen;
    private readonly string _name;
    private readonly long _fileLength;
    private readonly long _summaryAt;
    private byte[] _plain = new byte[TraceFormat.TargetPlainBytes];
    private byte[] _stored = new byte[TraceFormat.TargetPlainBytes];
    private int _plainLength;
    private int _position;
    private long _blockAt;
    private long _nextBlockAt;
    private int _blockEventsLeft;
    private int _thread;
    private long _nextId;

    /// <summary>A reader over a seekable stream that holds a whole trace from its start.</summary>
    /// <param name="stream">The trace.</param>
    /// <param name="name">The file name, for error messages.</param>
    /// <param name="leaveOpen">Whether the stream stays open when the reader is disposed.</param>
    /// <exception cref="TraceFormatException">The header or the summary is missing, truncated or corrupted.</exception>
    public TraceReader(Stream stream, string name, bool leaveOpen = false)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.CanSeek || !stream.CanRead)
        {
            throw new ArgumentException("a trace is read from a seekable stream (a file)", nameof(stream));
        }
        _stream = stream;
        _leaveOpen = leaveOpen;
        _name = name;
        _fileLength = stream.Length;
        Span<byte> header = stackalloc byte[TraceFormat.HeaderBytes];
        stream.Position = 0;
        int got = ReadFully(header);
        if (got < TraceFormat.Magic.Length || !header[..TraceFormat.Magic.Length].SequenceEqual(TraceFormat.Magic))
        {
            throw Fail(0, "not a trace: it does not start with the bytes \"WBTRACE\\0\" (a heaptrack recording is imported with workbench trace import)");
        }
        if (got < TraceFormat.HeaderBytes)
        {
            throw Fail(got, $"truncated: the file ends inside its {TraceFormat.HeaderBytes}-byte header");
        }
        ushort version = BinaryPrimitives.ReadUInt16LittleEndian(header[8..]);
        if (version != TraceFormat.Version)
        {
            throw Fail(8, $"format version {version}, but this workbench reads version {TraceFormat.Version}");
        }
        ushort codec = BinaryPrimitives.ReadUInt16LittleEndian(header[10..]);
        if (codec != TraceFormat.CodecDeflate)
        {
            throw Fail(10, $"unknown codec {codec} (1 is DEFLATE)");
        }
        if (header[12..16].ContainsAnyExcept((byte)0) || header[24..32].ContainsAnyExcept((byte)0))
        {
            throw Fail(header[12..16].ContainsAnyExcept((byte)0) ? 12 : 24, "corrupted: reserved header bytes are not zero");
        }
        long summaryAt = BinaryPrimitives.ReadInt64LittleEndian(header[TraceFormat.SummaryOffsetField..]);
        if (summaryAt == 0)
        {
            throw Fail(TraceFormat.SummaryOffsetField, "incomplete: the writer never finished it (the header has no summary offset)");
        }
        if (summaryAt < TraceFormat.HeaderBytes || summaryAt > _fileLength - TraceFormat.BlockHeaderBytes)
        {
            throw Fail(Math.Min(_fileLength, Math.Max(summaryAt, 0)), $"truncated or corrupted: the header puts the summary at byte {summaryAt}, but the file has {_fileLength} bytes");
        }
        _summaryAt = summaryAt;
        (byte kind, int plainLength, _) = ReadBlock(summaryAt);
        if (kind != TraceFormat.SummaryBlock)
        {
            throw Fail(summaryAt, $"corrupted: the block at the summary offset is of kind {kind}, not the summary");
        }
        if (_stream.Position != _fileLength)
        {
            throw Fail(_stream.Position, $"corrupted: {_fileLength - _stream.Position} bytes follow the summary block");
        }
        Info = TraceInfo.Decode(_plain.AsSpan(0, plainLength), out string problem)
            ?? throw Fail(summaryAt, $"corrupted: {problem}");
        // Check the summary against what the file can hold before anyone sizes a table from it.
        if (TraceSummaryBounds.Violation(Info, CountBlocks()) is { } violation)
        {
            throw Fail(summaryAt, violation);
        }
        _nextBlockAt = TraceFormat.HeaderBytes;
        _plainLength = 0;
        _position = 0;
    }

    /// <summary>Opens the trace file at <paramref name="path"/>.</summary>
    /// <exception cref="FileNotFoundException">There is no such file.</exception>
    /// <exception cref="TraceFormatException">The file is not a regular file, or not a whole trace.</exception>
    public static TraceReader Open(string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"no trace file '{path}': give the path of a .trace file (workbench trace import FILE.raw.zst -o FILE.trace makes one)", path);
        }
        // A FIFO would block the open for ever and a device (/dev/zero) would be read as a file of endless zeros.
        if (!Platform.FileKind.IsRegularFile(path))
        {
            throw new TraceFormatException(path, 0, "not a regular file (a device, a FIFO or a directory): give the path of a .trace file");
        }
        FileStream stream = new(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        try
        {
            return new TraceReader(stream, path);
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    /// <summary>The trace's summary.</summary>
    public TraceInfo Info { get; }

    /// <summary>The byte offset of the events block the last event came from (0 before the first).</summary>
    public long BlockOffset => _blockAt;

    /// <summary>The byte offset of the summary block.</summary>
    public long SummaryOffset => _summaryAt;

    /// <summary>Events read so far.</summary>
    public long EventsRead { get; private set; }

    /// <summary>
    /// Reads the next event; false after the last one (having checked that the events add up to the summary).
    /// </summary>
    /// <exception cref="TraceFormatException">A block or an event is truncated or corrupted.</exception>
    public bool TryRead(out TraceEvent e)
    {
        while (_blockEventsLeft == 0)
        {
            if (_position != _plainLength)
            {
                throw Fail(_blockAt, $"corrupted: the events block holds {_plainLength - _position} bytes after its last event");
            }
            if (_nextBlockAt == _summaryAt)
            {
                if (EventsRead != Info.Events)
                {
                    throw Fail(_summaryAt, $"truncated or corrupted: the blocks hold {EventsRead} events but the summary counts {Info.Events}");
                }
                e = default;
                return false;
            }
            _blockAt = _nextBlockAt;
            (byte kind, int plainLength, int events) = ReadBlock(_blockAt);
            if (kind != TraceFormat.EventsBlock)
            {
                throw Fail(_blockAt, $"corrupted: a block of kind {kind} before the summary (expected an events block)");
            }
            _nextBlockAt = _stream.Position;
            _plainLength = plainLength;
            _position = 0;
            _blockEventsLeft = events;
            _thread = 0;
        }
        e = Decode();
        _blockEventsLeft--;
        EventsRead++;
        return true;
    }

    /// <summary>Closes the stream unless asked to leave it open.</summary>
    public void Dispose()
    {
        if (!_leaveOpen)
        {
            _stream.Dispose();
        }
    }

    private TraceEvent Decode()
    {
        ReadOnlySpan<byte> plain = _plain.AsSpan(0, _plainLength);
        int start = _position;
        if (_position >= plain.Length)
        {
            throw BadEvent(start, "the block ends before its counted events do");
        }
        byte first = plain[_position++];
        int op = first & 0x07;
        if ((first & 0xF0) != 0 || op > (int)TraceOperation.Free)
        {
            throw BadEvent(start, $"bad event byte 0x{first:x2}");
        }
        if ((first & TraceFormat.ThreadFlag) != 0)
        {
            ulong thread = Number(plain, start);
            if (thread >= (ulong)Info.Threads)
            {
                throw BadEvent(start, $"thread {thread}, but the summary counts {Info.Threads} threads");
            }
            _thread = (int)thread;
        }
        TraceOperation operation = (TraceOperation)op;
        switch (operation)
        {
            case TraceOperation.Malloc:
            case TraceOperation.Calloc:
                return new TraceEvent(operation, _nextId++, Number(plain, start), 0, _thread);
            case TraceOperation.AlignedAlloc:
            {
                ulong log = Number(plain, start);
                if (log > 62)
                {
                    throw BadEvent(start, $"alignment 2^{log}");
                }
                return new TraceEvent(operation, _nextId++, Number(plain, start), 1UL << (int)log, _thread);
            }
            case TraceOperation.Realloc:
            {
                long id = Earlier(plain, start);
                return new TraceEvent(operation, id, Number(plain, start), 0, _thread);
            }
            default:
                return new TraceEvent(operation, Earlier(plain, start), 0, 0, _thread);
        }
    }

    private long Earlier(ReadOnlySpan<byte> plain, int start)
    {
        ulong distance = Number(plain, start);
        if (distance >= (ulong)_nextId)
        {
            throw BadEvent(start, $"it names an object {distance + 1} allocations back, but only {_nextId} objects exist yet");
        }
        return _nextId - 1 - (long)distance;
    }

    private ulong Number(ReadOnlySpan<byte> plain, int start)
    {
        if (!Varint.TryRead(plain, ref _position, out ulong value))
        {
            throw BadEvent(start, "a number runs past the end of the block or past 64 bits");
        }
        return value;
    }

    private TraceFormatException BadEvent(int start, string problem) =>
        Fail(_blockAt, $"corrupted: event {EventsRead} (byte {start} of the events block inflated): {problem}");

    /// <summary>Reads the block at <paramref name="at"/> into <see cref="_plain"/>: checks the lengths and the CRC, then inflates.</summary>
    private (byte Kind, int PlainLength, int Events) ReadBlock(long at)
    {
        Span<byte> header = stackalloc byte[TraceFormat.BlockHeaderBytes];
        _stream.Position = at;
        int got = ReadFully(header);
        if (got < TraceFormat.BlockHeaderBytes)
        {
            throw Fail(at + got, $"truncated: the file ends inside the header of the block at byte {at}");
        }
        byte kind = header[0];
        uint storedLength = BinaryPrimitives.ReadUInt32LittleEndian(header[1..]);
        uint plainLength = BinaryPrimitives.ReadUInt32LittleEndian(header[5..]);
        uint events = BinaryPrimitives.ReadUInt32LittleEndian(header[9..]);
        uint crc = BinaryPrimitives.ReadUInt32LittleEndian(header[13..]);
        if (kind is not (TraceFormat.EventsBlock or TraceFormat.SummaryBlock))
        {
            throw Fail(at, $"corrupted: unknown block kind {kind}");
        }
        if (plainLength > TraceFormat.MaxPlainBytes || storedLength > TraceFormat.MaxPlainBytes + 1024 || events > plainLength)
        {
            throw Fail(at, $"corrupted: the block header claims {storedLength} stored bytes, {plainLength} plain bytes and {events} events");
        }
        long end = at + TraceFormat.BlockHeaderBytes + storedLength;
        long limit = kind == TraceFormat.EventsBlock ? _summaryAt : _fileLength;
        if (end > limit)
        {
            throw Fail(at, $"truncated or corrupted: the block at byte {at} claims {storedLength} bytes, running to byte {end}, past byte {limit}");
        }
        if (_stored.Length < storedLength)
        {
            _stored = new byte[storedLength];
        }
        if (_plain.Length < plainLength)
        {
            _plain = new byte[plainLength];
        }
        got = ReadFully(_stored.AsSpan(0, (int)storedLength));
        if (got < storedLength)
        {
            throw Fail(at + TraceFormat.BlockHeaderBytes + got, $"truncated: the file ends inside the block at byte {at}");
        }
        if (Crc32.Of(header[..13], _stored.AsSpan(0, (int)storedLength)) != crc)
        {
            throw Fail(at, $"corrupted: the CRC-32 of the block at byte {at} does not match its contents");
        }
        int inflated = 0;
        try
        {
            using MemoryStream source = new(_stored, 0, (int)storedLength, writable: false);
            using DeflateStream deflate = new(source, CompressionMode.Decompress);
            while (inflated < plainLength)
            {
                int n = deflate.Read(_plain, inflated, (int)plainLength - inflated);
                if (n == 0)
                {
                    break;
                }
                inflated += n;
            }
            if (inflated == plainLength && deflate.Read(new byte[1], 0, 1) != 0)
            {
                inflated++;
            }
        }
        catch (InvalidDataException e)
        {
            throw Fail(at, $"corrupted: the compressed data of the block at byte {at} is damaged ({e.Message.TrimEnd('.')})");
        }
        if (inflated != plainLength)
        {
            throw Fail(at, $"corrupted: the block at byte {at} inflates to {(inflated > plainLength ? "more" : inflated.ToString(System.Globalization.CultureInfo.InvariantCulture))} bytes, its header says {plainLength}");
        }
        _stream.Position = end;
        return (kind, (int)plainLength, (int)events);
    }

    /// <summary>
    /// Walks the events blocks' headers from the first block to the summary, without inflating them, and counts
    /// what they claim; a header that is out of bounds (a length past the summary, more plain bytes than DEFLATE can
    /// make of its stored bytes, more events than plain bytes) is refused at its block's offset.
    /// </summary>
    private TraceBlockCensus CountBlocks()
    {
        Span<byte> header = stackalloc byte[TraceFormat.BlockHeaderBytes];
        long at = TraceFormat.HeaderBytes;
        long blocks = 0;
        long events = 0;
        long plain = 0;
        long stored = 0;
        while (at < _summaryAt)
        {
            _stream.Position = at;
            int got = ReadFully(header);
            if (got < TraceFormat.BlockHeaderBytes || at + TraceFormat.BlockHeaderBytes > _summaryAt)
            {
                throw Fail(at, $"truncated or corrupted: the header of the block at byte {at} runs past the summary at byte {_summaryAt}");
            }
            byte kind = header[0];
            uint storedLength = BinaryPrimitives.ReadUInt32LittleEndian(header[1..]);
            uint plainLength = BinaryPrimitives.ReadUInt32LittleEndian(header[5..]);
            uint count = BinaryPrimitives.ReadUInt32LittleEndian(header[9..]);
            if (kind != TraceFormat.EventsBlock)
            {
                throw Fail(at, $"corrupted: a block of kind {kind} before the summary (expected an events block)");
            }
            long end = at + TraceFormat.BlockHeaderBytes + storedLength;
            if (end > _summaryAt)
            {
                throw Fail(at, $"truncated or corrupted: the block at byte {at} claims {storedLength} bytes, running to byte {end}, past byte {_summaryAt}");
            }
            if (plainLength > TraceFormat.MaxPlainBytes || (long)plainLength > (long)TraceFormat.MaxDeflateRatio * storedLength + 64 || count > plainLength)
            {
                throw Fail(at, $"corrupted: the block header claims {storedLength} stored bytes, {plainLength} plain bytes and {count} events (at most {TraceFormat.MaxDeflateRatio} plain bytes per stored byte and one event per plain byte)");
            }
            blocks++;
            events += count;
            plain += plainLength;
            stored += storedLength;
            at = end;
        }
        return new TraceBlockCensus(blocks, events, plain, stored);
    }

    private int ReadFully(Span<byte> buffer)
    {
        int total = 0;
        while (total < buffer.Length)
        {
            int n = _stream.Read(buffer[total..]);
            if (n == 0)
            {
                break;
            }
            total += n;
        }
        return total;
    }

    private TraceFormatException Fail(long offset, string problem) => new(_name, offset, problem);
}
