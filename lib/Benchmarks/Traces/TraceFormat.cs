namespace Workbench.Benchmarks.Traces;

/// <summary>
/// The layout of a trace file (<c>.trace</c>), version 1. All fixed-width numbers are little-endian.
/// <code>
/// header, 32 bytes:
///   0  magic      8 bytes "WBTRACE\0"
///   8  version    u16 = 1
///  10  codec      u16 = 1 (raw DEFLATE, RFC 1951, System.IO.Compression)
///  12  reserved   u32 = 0 (a reader refuses other values)
///  16  summary    u64 byte offset of the summary block (0 while the writer has not finished)
///  24  reserved   u64 = 0 (a reader refuses other values)
/// blocks, from byte 32, each:
///   kind u8 (1 events, 2 summary), stored length u32, plain length u32, events u32, CRC-32 u32 of the 13 bytes
///   before it and the stored bytes (so any damaged bit of a block is found), then the stored (compressed) bytes
/// the summary block comes last and the file ends with it.
/// </code>
/// An events block holds at most <see cref="MaxPlainBytes"/> bytes once inflated, a run of events, each:
/// one byte with the operation in bits 0-2 (<see cref="TraceOperation"/>), bit 3 set when a thread number follows,
/// bits 4-7 zero; then the thread (varint) when bit 3 is set (the thread stays until changed; every block starts on
/// thread 0); then for malloc and calloc the size, for an aligned allocation log2 of the alignment and the size,
/// for realloc the back-distance and the new size, for free the back-distance, all as <see cref="Varint"/>s.
/// A new object gets the next id (0, 1, 2, ...) without writing it; a realloc or free names its object by the
/// back-distance <c>next id - 1 - id</c>, which is small for the recently allocated objects most frees release.
/// The summary block holds a <see cref="TraceInfo"/> (see <see cref="TraceInfo.Encode"/>).
/// </summary>
public static class TraceFormat
{
    /// <summary>The first eight bytes of every trace.</summary>
    public static ReadOnlySpan<byte> Magic => "WBTRACE\0"u8;

    /// <summary>The format version this code writes and reads.</summary>
    public const ushort Version = 1;

    /// <summary>The codec number of raw DEFLATE.</summary>
    public const ushort CodecDeflate = 1;

    /// <summary>Bytes of the file header.</summary>
    public const int HeaderBytes = 32;

    /// <summary>Byte offset of the summary offset inside the header.</summary>
    public const int SummaryOffsetField = 16;

    /// <summary>Bytes of a block header.</summary>
    public const int BlockHeaderBytes = 17;

    /// <summary>Block kind: events.</summary>
    public const byte EventsBlock = 1;

    /// <summary>Block kind: the summary.</summary>
    public const byte SummaryBlock = 2;

    /// <summary>The plain (inflated) bytes a writer puts in one events block before it starts the next.</summary>
    public const int TargetPlainBytes = 64 * 1024;

    /// <summary>The most plain bytes a reader accepts in one block (a larger length means a corrupted header).</summary>
    public const int MaxPlainBytes = 16 * 1024 * 1024;

    /// <summary>
    /// The most plain bytes DEFLATE can make of one stored byte (1032:1, reached by long runs of one byte). A block
    /// header that claims more plain bytes than this times its stored bytes is forged or corrupted, so a summary's
    /// counts are bounded by the bytes the file actually holds.
    /// </summary>
    public const int MaxDeflateRatio = 1032;

    /// <summary>The most bytes one encoded event takes.</summary>
    public const int MaxEventBytes = 1 + 3 * Varint.MaxBytes;

    /// <summary>Bit 3 of an event's first byte: a thread number follows.</summary>
    public const byte ThreadFlag = 0x08;

    /// <summary>The highest thread number a trace may hold.</summary>
    public const int MaxThread = 4095;
}
