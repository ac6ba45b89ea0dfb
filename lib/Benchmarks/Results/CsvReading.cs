namespace Workbench.Benchmarks.Results;

/// <summary>
/// A CSV file with a header read record by record, recovering line by line: a record that cannot be read (a quote that
/// is never closed, or another number of fields than the header's) becomes a <see cref="CsvBadLine"/> of the line it
/// starts on, and reading goes on at the next line. So one bad line hides no other row.
/// </summary>
/// <remarks>
/// Invariants: every line of the text is in exactly one of the header, a record, a bad line, a blank line (ignored) or
/// the incomplete tail; a record always has as many fields as the header. A quoted field may span lines (RFC 4180),
/// so a record is bad only when what it spans does not make a record of the header's width.
/// </remarks>
public sealed class CsvReading
{
    private CsvReading(IReadOnlyList<string> header, List<CsvRecord> records, List<CsvBadLine> badLines, int incompleteTail)
    {
        Header = header;
        Records = records;
        BadLines = badLines;
        IncompleteTail = incompleteTail;
    }

    /// <summary>The first record (empty for an empty text).</summary>
    public IReadOnlyList<string> Header { get; }

    /// <summary>The records after the header, each as wide as the header.</summary>
    public IReadOnlyList<CsvRecord> Records { get; }

    /// <summary>The lines that held no readable record, in file order.</summary>
    public IReadOnlyList<CsvBadLine> BadLines { get; }

    /// <summary>
    /// The length in characters of a last line that has no line break (a write cut short), 0 when the text ends with
    /// one. It is not among the records: its trial was never recorded.
    /// </summary>
    public int IncompleteTail { get; }

    /// <summary>The number of the last line when it is cut short (<see cref="IncompleteTail"/> above 0), else 0.</summary>
    public int IncompleteTailLine { get; private init; }

    /// <summary>Reads a CSV text whose first record is the header.</summary>
    public static CsvReading Read(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        List<CsvRecord> records = [];
        List<CsvBadLine> bad = [];
        int lastLineStart = text.EndsWith('\n') ? text.Length : text.LastIndexOf('\n') + 1;
        int tail = text.Length - lastLineStart;
        int lastLine = 1 + CountLineBreaks(text, 0, lastLineStart);
        if (lastLineStart == 0)
        {
            // Nothing but a header cut short (or nothing at all).
            return new CsvReading([], records, bad, tail) { IncompleteTailLine = tail > 0 ? 1 : 0 };
        }
        (List<string> header, int position, bool headerClosed) = CsvFormat.ParseRecord(text, 0, lastLineStart);
        if (!headerClosed)
        {
            // The header itself has a stray quote: read it as its first line alone.
            int end = text.IndexOf('\n', StringComparison.Ordinal) + 1;
            bad.Add(new CsvBadLine(1, LineAt(text, 0), "an unmatched '\"' in the header"));
            header = CsvFormat.ParseRecord(text[..end], 0, end).Fields;
            position = end;
        }
        int line = 1 + CountLineBreaks(text, 0, position);
        while (position < lastLineStart)
        {
            int lineEnd = text.IndexOf('\n', position) + 1;
            if (text.AsSpan(position, lineEnd - position).IsWhiteSpace())
            {
                position = lineEnd;
                line++;
                continue;
            }
            (List<string> fields, int next, bool closed) = CsvFormat.ParseRecord(text, position, lastLineStart);
            if (closed && fields.Count == header.Count)
            {
                records.Add(new CsvRecord(fields, line));
                line += CountLineBreaks(text, position, next);
                position = next;
                continue;
            }
            // Not a record: name this line and go on at the next one, so that what it swallowed is read again.
            string reason = !closed || CountLineBreaks(text, position, next) > 1
                ? "an unmatched '\"'"
                : $"{fields.Count} fields where the header has {header.Count}";
            bad.Add(new CsvBadLine(line, LineAt(text, position), reason));
            position = lineEnd;
            line++;
        }
        return new CsvReading(header, records, bad, tail) { IncompleteTailLine = tail > 0 ? lastLine : 0 };
    }

    private static int CountLineBreaks(string text, int start, int end) => text.AsSpan(start, end - start).Count('\n');

    private static string LineAt(string text, int start)
    {
        int end = text.IndexOf('\n', start);
        return text[start..(end < 0 ? text.Length : end)].TrimEnd('\r');
    }
}
