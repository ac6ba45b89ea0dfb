using Workbench.Benchmarks.Traces;

namespace Workbench.Benchmarks.Tests.Traces;

/// <summary>The heaptrack importer, on the committed recording of sqlite3 and on small hand-written recordings.</summary>
public sealed class HeaptrackImporterTests
{
    // What data/traces/sqlite3.raw.zst says, counted from its text without the importer (data/traces/README.md
    // gives the counting command): '+' lines, '-' lines, and the bytes allocated and never freed.
    private const long RecordedAllocations = 62_738;
    private const long RecordedFrees = 62_722;
    private const long RecordedPeakLiveBytes = 2_123_381;
    private const long RecordedPeakLiveObjects = 1_327;
    private const long RecordedLiveBytesAtEnd = 9_503;

    [Fact]
    public void TheCommittedSqliteRecordingImportsWithTheCountsItRecords()
    {
        string trace = Path.Combine(Path.GetTempPath(), $"wb-sqlite3-{Guid.NewGuid():N}.trace");
        try
        {
            HeaptrackImportReport report = HeaptrackImporter.Import(TraceTestData.Committed("sqlite3.raw.zst"), trace);
            Assert.Equal(RecordedAllocations, report.Allocations);
            Assert.Equal(RecordedFrees, report.Frees);
            Assert.Equal(0, report.UnknownFrees);
            Assert.Equal(0, report.MalformedLines);
            Assert.StartsWith("sqlite3 :memory: create table t", report.Command, StringComparison.Ordinal);

            using TraceReader reader = TraceReader.Open(trace);
            TraceInfo info = reader.Info;
            Assert.Equal(RecordedAllocations, info.Allocations);
            Assert.Equal(RecordedFrees, info.Frees);
            Assert.Equal(RecordedAllocations + RecordedFrees, info.Events);
            Assert.Equal(RecordedPeakLiveBytes, info.PeakLiveBytes);
            Assert.Equal(RecordedPeakLiveObjects, info.PeakLiveObjects);
            Assert.Equal(RecordedLiveBytesAtEnd, info.LiveBytesAtEnd);
            Assert.Equal(RecordedAllocations - RecordedFrees, info.LiveObjectsAtEnd);
            Assert.Equal(1, info.Threads);

            // The committed trace is this import.
            using TraceReader committed = TraceReader.Open(TraceTestData.Committed("sqlite3.trace"));
            while (reader.TryRead(out TraceEvent mine))
            {
                Assert.True(committed.TryRead(out TraceEvent theirs));
                Assert.Equal(theirs, mine);
            }
            Assert.False(committed.TryRead(out _));
        }
        finally
        {
            File.Delete(trace);
        }
    }

    [Fact]
    public void UnknownFreesAreSkippedAndReported()
    {
        const string recording = """
            v 10400 3
            X demo --flag
            I 1000 5e2919
            t 7f1619326b9f 0
            + 20 1 aaa0
            - 5000
            + 30 1 bbb0
            - aaa0
            c 1a
            R 60a
            - 6000
            + 10 2 aaa0
            - aaa0
            """;
        (HeaptrackImportReport report, TraceInfo info, List<TraceEvent> events) = Import(recording);
        Assert.Equal("demo --flag", report.Command);
        Assert.Equal(3, report.Allocations);
        Assert.Equal(2, report.Frees);
        Assert.Equal(2, report.UnknownFrees);
        Assert.Equal(26, report.DurationMs);
        Assert.Equal(0x60aL * 0x1000, report.PeakRssBytes);
        Assert.Contains(report.Describe(), l => l.Contains("2 frees of pointers allocated before recording began", StringComparison.Ordinal));
        Assert.Equal(
            [
                new TraceEvent(TraceOperation.Malloc, 0, 0x20, 0, 0),
                new TraceEvent(TraceOperation.Malloc, 1, 0x30, 0, 0),
                new TraceEvent(TraceOperation.Free, 0, 0, 0, 0),
                new TraceEvent(TraceOperation.Malloc, 2, 0x10, 0, 0),
                new TraceEvent(TraceOperation.Free, 2, 0, 0, 0),
            ],
            events);
        Assert.Equal(0x50, info.PeakLiveBytes);
        Assert.Equal(0x30, info.LiveBytesAtEnd);
    }

    [Fact]
    public void AnAddressAllocatedAgainWhileLiveImpliesItsFreeAndMalformedLinesAreSkipped()
    {
        const string recording = """
            v 10400 3
            + 20 1 aaa0
            + 40 1 aaa0
            + zz 1 bbb0
            - 
            + 8 1
            - aaa0
            """;
        (HeaptrackImportReport report, TraceInfo info, List<TraceEvent> events) = Import(recording);
        Assert.Equal(1, report.ImpliedFrees);
        Assert.Equal(3, report.MalformedLines);
        Assert.Equal(4, report.FirstMalformedLine);
        Assert.Equal(2, report.Allocations);
        Assert.Equal(1, report.Frees);
        Assert.Equal(4, events.Count);
        Assert.Equal(0, info.LiveObjectsAtEnd);
        Assert.Equal(0x40, info.PeakLiveBytes);
    }

    [Fact]
    public void AFileThatIsNotAHeaptrackRecordingIsRefusedAndLeavesNoTrace()
    {
        string folder = Path.Combine(Path.GetTempPath(), $"wb-notraw-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        try
        {
            string bogus = Path.Combine(folder, "notes.txt");
            File.WriteAllText(bogus, "these are not allocations\n");
            InvalidDataException e = Assert.Throws<InvalidDataException>(() => HeaptrackImporter.Import(bogus, Path.Combine(folder, "notes.trace")));
            Assert.Contains(bogus, e.Message, StringComparison.Ordinal);
            Assert.Contains("heaptrack --raw", e.Message, StringComparison.Ordinal);
            Assert.Equal([bogus], Directory.GetFiles(folder));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void PlainAndGzipRecordingsImportAsTheZstdOneDoes()
    {
        string folder = Path.Combine(Path.GetTempPath(), $"wb-formats-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        try
        {
            string text;
            using (TextReader zstd = RecordingInput.Open(TraceTestData.Committed("sqlite3.raw.zst")))
            {
                text = zstd.ReadToEnd();
            }
            string plain = Path.Combine(folder, "sqlite3.raw");
            File.WriteAllText(plain, text);
            string gzip = Path.Combine(folder, "sqlite3.raw.gz");
            using (FileStream file = File.Create(gzip))
            using (System.IO.Compression.GZipStream compressed = new(file, System.IO.Compression.CompressionLevel.Fastest))
            using (StreamWriter writer = new(compressed))
            {
                writer.Write(text);
            }
            foreach (string recording in new[] { plain, gzip })
            {
                HeaptrackImportReport report = HeaptrackImporter.Import(recording, recording + ".trace");
                Assert.Equal(RecordedAllocations, report.Allocations);
                Assert.Equal(RecordedFrees, report.Frees);
                Assert.Equal(RecordedPeakLiveBytes, report.Info!.PeakLiveBytes);
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void AnEmptyRecordingGivesAnEmptyTraceAndSaysWhy()
    {
        (HeaptrackImportReport report, TraceInfo info, List<TraceEvent> events) = Import("");
        Assert.Empty(events);
        Assert.Equal(0, info.Events);
        Assert.StartsWith("the recording is empty", report.Describe().Single(), StringComparison.Ordinal);
    }

    private static (HeaptrackImportReport Report, TraceInfo Info, List<TraceEvent> Events) Import(string recording)
    {
        using MemoryStream stream = new();
        HeaptrackImportReport report;
        using (TraceWriter writer = new(stream, "", leaveOpen: true))
        {
            report = HeaptrackImporter.Import(new StringReader(recording), writer);
        }
        stream.Position = 0;
        using TraceReader reader = new(stream, "memory");
        List<TraceEvent> events = [];
        while (reader.TryRead(out TraceEvent e))
        {
            events.Add(e);
        }
        return (report, reader.Info, events);
    }
}
