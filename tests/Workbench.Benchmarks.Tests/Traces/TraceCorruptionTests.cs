using Workbench.Benchmarks.Traces;

namespace Workbench.Benchmarks.Tests.Traces;

/// <summary>A truncated or corrupted trace is rejected with an error that names the file and the byte offset.</summary>
public sealed class TraceCorruptionTests
{
    private static byte[] ValidTrace() => TraceTestData.Write(TraceTestData.RandomEvents(40_000, threads: 2, seed: 11)).ToArray();

    private static TraceFormatException ReadAll(byte[] bytes, string name = "test.trace")
    {
        return Assert.Throws<TraceFormatException>(() =>
        {
            using TraceReader reader = new(new MemoryStream(bytes), name);
            while (reader.TryRead(out _))
            {
            }
        });
    }

    [Fact]
    public void ATruncatedFileIsRejectedAtTheOffsetWhereItEnds()
    {
        byte[] trace = ValidTrace();
        foreach (int length in new[] { trace.Length - 1, trace.Length / 2, 100, TraceFormat.HeaderBytes, 20 })
        {
            TraceFormatException e = ReadAll(trace[..length]);
            Assert.InRange(e.Offset, 0, length);
            Assert.Contains($"byte offset {e.Offset}", e.Message, StringComparison.Ordinal);
            Assert.Contains("truncated", e.Message, StringComparison.Ordinal);
            Assert.Contains("test.trace", e.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void EveryDamagedBitIsFound()
    {
        byte[] trace = TraceTestData.Write(TraceTestData.RandomEvents(300, threads: 3, seed: 5)).ToArray();
        for (int i = 0; i < trace.Length; i++)
        {
            foreach (byte bit in new byte[] { 0x01, 0x80 })
            {
                byte[] damaged = (byte[])trace.Clone();
                damaged[i] ^= bit;
                TraceFormatException e = ReadAll(damaged);
                Assert.InRange(e.Offset, 0, trace.Length);
                Assert.Contains($"byte offset {e.Offset}", e.Message, StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public void ADamagedEventsBlockIsRejectedAtThatBlock()
    {
        byte[] trace = ValidTrace();
        List<long> blocks = TraceTestData.BlockOffsets(trace);
        long second = blocks[1];
        foreach (int into in new[] { TraceFormat.BlockHeaderBytes + 40, TraceFormat.BlockHeaderBytes + 1000, 13 })
        {
            byte[] damaged = (byte[])trace.Clone();
            damaged[second + into] ^= 0x5A;
            TraceFormatException e = ReadAll(damaged);
            Assert.Equal(second, e.Offset);
            Assert.Contains($"byte offset {second}", e.Message, StringComparison.Ordinal);
            Assert.Contains("corrupted", e.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void ADamagedBlockLengthIsRejectedAtThatBlock()
    {
        byte[] trace = ValidTrace();
        long first = TraceTestData.BlockOffsets(trace)[0];
        trace[first + 4] = 0x7F;
        TraceFormatException e = ReadAll(trace);
        Assert.Equal(first, e.Offset);
    }

    [Fact]
    public void ADamagedSummaryIsRejectedWhenTheFileIsOpened()
    {
        byte[] trace = ValidTrace();
        long summary = TraceTestData.BlockOffsets(trace)[^1];
        trace[^3] ^= 0xFF;
        TraceFormatException e = ReadAll(trace);
        Assert.Equal(summary, e.Offset);
    }

    [Fact]
    public void AFileThatIsNotATraceIsRejectedAtByteZero()
    {
        TraceFormatException e = ReadAll("v 10400 3\n+ 10 1 5563\n"u8.ToArray());
        Assert.Equal(0, e.Offset);
        Assert.Contains("not a trace", e.Message, StringComparison.Ordinal);
        Assert.Contains("workbench trace import", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ATraceWhoseWriterNeverFinishedIsRejected()
    {
        byte[] trace = ValidTrace();
        Array.Clear(trace, TraceFormat.SummaryOffsetField, 8);
        TraceFormatException e = ReadAll(trace);
        Assert.Equal(TraceFormat.SummaryOffsetField, e.Offset);
        Assert.Contains("incomplete", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void OpeningATruncatedFileNamesItsPathAndOffsetOnOneLine()
    {
        string path = Path.Combine(Path.GetTempPath(), $"wb-truncated-{Guid.NewGuid():N}.trace");
        byte[] trace = ValidTrace();
        File.WriteAllBytes(path, trace[..(trace.Length - 10)]);
        try
        {
            TraceFormatException e = Assert.Throws<TraceFormatException>(() => TraceReader.Open(path).Dispose());
            Assert.Contains(path, e.Message, StringComparison.Ordinal);
            Assert.Contains($"byte offset {e.Offset}", e.Message, StringComparison.Ordinal);
            Assert.DoesNotContain('\n', e.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
