using System.Globalization;

namespace Workbench.Benchmarks.Traces;

/// <summary>
/// Converts a heaptrack raw recording (<c>heaptrack --raw -o NAME PROGRAM ARGS</c>, a text file of one record per line,
/// numbers in hex) into a trace. Used lines: <c>+ SIZE TRACE PTR</c> (an allocation; heaptrack writes malloc, calloc,
/// aligned allocations and the new half of a realloc this way), <c>- PTR</c> (a free, and the old half of a realloc),
/// <c>X</c> (the command line), <c>v</c> (version), <c>c</c> (milliseconds since start), <c>I</c> (page size) and
/// <c>R</c> (RSS in pages); the stack-trace and module lines are ignored. Pointers become object ids; heaptrack
/// records no thread, so the trace has one thread. The recording is read as a stream.
/// </summary>
public static class HeaptrackImporter
{
    /// <summary>Imports the recording file <paramref name="recording"/> (zstd, gzip or plain text) into the trace file <paramref name="trace"/>.</summary>
    /// <exception cref="FileNotFoundException">The recording does not exist.</exception>
    /// <exception cref="TraceToolException">zstd is needed and missing, or fails.</exception>
    /// <exception cref="InvalidDataException">The file is not a heaptrack raw recording.</exception>
    public static HeaptrackImportReport Import(string recording, string trace)
    {
        using TextReader text = RecordingInput.Open(recording);
        string temporary = trace + ".partial";
        try
        {
            HeaptrackImportReport report;
            using (TraceWriter writer = TraceWriter.Create(temporary, ""))
            {
                report = Import(text, writer);
            }
            File.Move(temporary, trace, overwrite: true);
            return report;
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"'{recording}' {e.Message}", e);
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    /// <summary>
    /// Reads the recording's lines from <paramref name="text"/> and writes the events to <paramref name="writer"/>;
    /// completes the trace with the recorded command line as its source.
    /// </summary>
    /// <exception cref="InvalidDataException">The text is not empty and does not start with heaptrack's version line.</exception>
    public static HeaptrackImportReport Import(TextReader text, TraceWriter writer)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(writer);
        int first = text.Peek();
        if (first != 'v' && first != -1)
        {
            throw new InvalidDataException("is not a heaptrack raw recording (it does not start with heaptrack's version line 'v ...'): give the file that heaptrack --raw -o NAME PROGRAM wrote, NAME.raw.zst");
        }
        HeaptrackImportReport report = new();
        Dictionary<ulong, long> live = [];
        long pageSize = 4096;
        long peakRssPages = 0;
        string? line;
        while ((line = text.ReadLine()) is not null)
        {
            report.Lines++;
            if (line.Length < 2 || line[1] != ' ')
            {
                continue;
            }
            ReadOnlySpan<char> rest = line.AsSpan(2);
            switch (line[0])
            {
                case '+':
                {
                    if (!TryHex(ref rest, out ulong size) || !TryHex(ref rest, out _) || !TryHex(ref rest, out ulong pointer) || !rest.IsEmpty)
                    {
                        Malformed(report);
                        break;
                    }
                    if (live.Remove(pointer, out long stale))
                    {
                        writer.Free(0, stale);
                        report.ImpliedFrees++;
                    }
                    live[pointer] = writer.Malloc(0, size);
                    report.Allocations++;
                    break;
                }
                case '-':
                {
                    if (!TryHex(ref rest, out ulong pointer) || !rest.IsEmpty)
                    {
                        Malformed(report);
                        break;
                    }
                    if (live.Remove(pointer, out long id))
                    {
                        writer.Free(0, id);
                        report.Frees++;
                    }
                    else
                    {
                        report.UnknownFrees++;
                    }
                    break;
                }
                case 'X':
                    report.Command = line[2..].Trim();
                    break;
                case 'v':
                    report.HeaptrackVersion = TryHex(ref rest, out ulong version) ? version.ToString("x", CultureInfo.InvariantCulture) : "";
                    break;
                case 'c':
                    if (TryHex(ref rest, out ulong ms))
                    {
                        report.DurationMs = (long)ms;
                    }
                    break;
                case 'I':
                    if (TryHex(ref rest, out ulong page) && page is > 0 and < 1UL << 30)
                    {
                        pageSize = (long)page;
                    }
                    break;
                case 'R':
                    if (TryHex(ref rest, out ulong pages) && pages < long.MaxValue / 65536)
                    {
                        peakRssPages = Math.Max(peakRssPages, (long)pages);
                    }
                    break;
                default:
                    break;
            }
        }
        report.PeakRssBytes = peakRssPages * pageSize;
        report.Info = writer.Complete(Source(report));
        return report;
    }

    private static string Source(HeaptrackImportReport report) =>
        $"heaptrack {report.HeaptrackVersion}: {report.Command}".Trim();

    private static void Malformed(HeaptrackImportReport report)
    {
        report.MalformedLines++;
        if (report.FirstMalformedLine == 0)
        {
            report.FirstMalformedLine = report.Lines;
        }
    }

    /// <summary>Parses the next space-separated hex number and moves past it.</summary>
    private static bool TryHex(ref ReadOnlySpan<char> text, out ulong value)
    {
        text = text.TrimStart(' ');
        int end = text.IndexOf(' ');
        ReadOnlySpan<char> word = end < 0 ? text : text[..end];
        text = end < 0 ? [] : text[end..];
        text = text.TrimStart(' ');
        return ulong.TryParse(word, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out value) && word.Length > 0;
    }
}
