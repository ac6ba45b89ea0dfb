using System.Globalization;
using System.Text;
using Workbench.Benchmarks.Model;

namespace Workbench.Benchmarks.Results;

/// <summary>
/// <c>results.csv</c> of one run: rows are appended one trial at a time and flushed, so an interrupted sweep
/// loses at most the trial in flight. A header that must grow (a new knob or metric) is rewritten through a
/// temporary file and an atomic rename. A last line cut short by an interruption is dropped when reading and
/// cut off before the next append.
/// </summary>
/// <remarks>
/// Reading recovers line by line (<see cref="CsvReading"/>): a line that holds no readable row (an unmatched quote,
/// the wrong number of fields, an unknown status, a threads or repetition column that is not a whole number) is left
/// out and named in <see cref="Problems"/> with its file and line number, and every other row is read. It never
/// hides a row silently. A rewrite (the header grows) keeps such lines as they were, in their place.
/// </remarks>
public sealed class ResultsFile
{
    private List<string> _header = [];
    private readonly List<ResultRow> _rows = [];
    private readonly List<string> _problems = [];

    /// <summary>The bad lines read, each with the number of rows before it, so that a rewrite puts it back in its place.</summary>
    private readonly List<(int RowsBefore, string Text)> _badLines = [];

    /// <summary>The file (created on the first append).</summary>
    public string Path { get; }

    /// <summary>Opens (and reads, when it exists) a results file.</summary>
    public ResultsFile(string path)
    {
        Path = path;
        if (File.Exists(path))
        {
            Load();
        }
    }

    /// <summary>The header.</summary>
    public IReadOnlyList<string> Header => _header;

    /// <summary>The rows read or appended.</summary>
    public IReadOnlyList<ResultRow> Rows => _rows;

    /// <summary>
    /// One line for each line of the file that was left out when reading, naming the file and the line:
    /// <c>data/runs/x/results.csv:7: an unmatched '"': the line is left out; fix or delete it (a resumed sweep runs its trial again)</c>.
    /// </summary>
    public IReadOnlyList<string> Problems => _problems;

    /// <summary>Reads a results file.</summary>
    public static ResultsFile Read(string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"no results file at '{path}'", path);
        }
        return new ResultsFile(path);
    }

    /// <summary>Keys of the rows that count as done for a resumed sweep (ok, failed, timeout; not skipped).</summary>
    public HashSet<string> DoneKeys() => [.. _rows.Where(r => r.Status != TrialStatus.Skipped).Select(r => r.Key)];

    /// <summary>Appends one trial's row.</summary>
    public void Append(TrialRecord record) => Append(RowOf(record));

    /// <summary>
    /// Appends a row: its knob columns that have a value (<see cref="ResultRow.KnobColumns"/>) go among the knobs, its
    /// other columns that are neither fixed nor bookkeeping among the metrics; the header grows by those it lacks.
    /// </summary>
    public void Append(ResultRow row)
    {
        ArgumentNullException.ThrowIfNull(row);
        IReadOnlyDictionary<string, string> values = row.Values;
        List<string> rowKnobs = [.. row.KnobColumns.Where(values.ContainsKey)];
        List<string> rowMetrics = [.. values.Keys.Where(k => !row.KnobColumns.Contains(k)
            && !ResultColumns.Fixed.Contains(k) && !ResultColumns.Bookkeeping.Contains(k))];
        List<string> knobs = [.. ResultColumns.KnobsOf(_header)];
        List<string> metrics = [.. ResultColumns.MetricsOf(_header)];
        // A bookkeeping column the header lacks (a file from before node and cpu_model) grows it too, when the row fills it.
        bool grow = _header.Count == 0 || rowKnobs.Any(k => !knobs.Contains(k)) || rowMetrics.Any(m => !metrics.Contains(m))
            || ResultColumns.Bookkeeping.Any(c => !_header.Contains(c) && values.TryGetValue(c, out string? v) && v.Length > 0);
        if (grow)
        {
            _header = ResultColumns.Header(knobs.Concat(rowKnobs), metrics.Concat(rowMetrics));
            _rows.Add(new ResultRow(values, ResultColumns.KnobsOf(_header)));
            Rewrite();
            return;
        }
        _rows.Add(new ResultRow(values, ResultColumns.KnobsOf(_header)));
        DropIncompleteTail();
        using FileStream stream = new(Path, FileMode.Append, FileAccess.Write, FileShare.Read);
        using StreamWriter writer = new(stream, new UTF8Encoding(false));
        writer.Write(CsvFormat.Line(_header.Select(c => values.TryGetValue(c, out string? v) ? v : "")) + "\n");
        writer.Flush();
        stream.Flush(flushToDisk: true);
    }

    /// <summary>
    /// Records a trial run again (<c>--retry-failed</c>): its row takes the place of the first row of the same trial, and
    /// the file is rewritten (through a temporary file and a rename); a trial with no row yet is appended.
    /// </summary>
    public void Replace(TrialRecord record)
    {
        ResultRow row = RowOf(record);
        int index = _rows.FindIndex(r => r.Key == row.Key);
        if (index < 0)
        {
            Append(row);
            return;
        }
        List<string> rowKnobs = [.. row.KnobColumns.Where(row.Values.ContainsKey)];
        List<string> rowMetrics = [.. row.Values.Keys.Where(k => !row.KnobColumns.Contains(k)
            && !ResultColumns.Fixed.Contains(k) && !ResultColumns.Bookkeeping.Contains(k))];
        List<string> knobs = [.. ResultColumns.KnobsOf(_header)];
        List<string> metrics = [.. ResultColumns.MetricsOf(_header)];
        _header = ResultColumns.Header(knobs.Concat(rowKnobs.Where(k => !knobs.Contains(k))), metrics.Concat(rowMetrics.Where(m => !metrics.Contains(m))));
        _rows[index] = new ResultRow(row.Values, ResultColumns.KnobsOf(_header));
        Rewrite();
    }

    /// <summary>A trial's row: its values by column, each knob a column of its name.</summary>
    public static ResultRow RowOf(TrialRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        (TrialSpec spec, TrialResult result, bool isolated, string finishedUtc) = record;
        Dictionary<string, string> values = new(StringComparer.Ordinal)
        {
            ["benchmark"] = spec.Benchmark,
            ["allocator"] = spec.Allocator,
            ["threads"] = Int(spec.Threads),
            ["sizes"] = spec.Sizes,
            ["repetition"] = Int(spec.Repetition),
            ["status"] = result.Status.ToText(),
            ["ops_per_s"] = "",
            ["seed"] = Int(spec.Seed),
            ["warmup"] = Int(spec.Warmup),
            ["isolated"] = isolated ? "1" : "0",
            ["cpus"] = string.Join(' ', spec.Cpus),
            ["node"] = record.Node,
            ["cpu_model"] = record.CpuModel,
            ["finished_utc"] = finishedUtc,
            ["message"] = result.Message,
        };
        foreach (string column in ResultColumns.Measured)
        {
            values[column] = "";
        }
        if (result.Status == TrialStatus.Ok)
        {
            values["elapsed_s"] = Real(result.ElapsedSeconds);
            values["ops"] = Int(result.Operations);
            values["ns_per_op"] = Real(result.NsPerOp);
            values["ops_per_s"] = result.ElapsedSeconds > 0 ? Real(result.Operations / result.ElapsedSeconds) : "";
            values["peak_rss_kib"] = Int(result.PeakRssKib);
            foreach ((string name, double value) in result.Metrics)
            {
                values[name] = Real(value);
            }
        }
        if (result.Status != TrialStatus.Skipped && (result.UserSeconds > 0 || result.SystemSeconds > 0))
        {
            // CPU time and faults are known for a failed or killed trial process too (from the parent's side).
            values["user_s"] = Real(result.UserSeconds);
            values["sys_s"] = Real(result.SystemSeconds);
            values["page_faults"] = Int(result.PageFaults);
            values["page_reclaims"] = Int(result.PageReclaims);
        }
        foreach ((string knob, long value) in spec.Knobs)
        {
            values[knob] = Int(value);
        }
        return new ResultRow(values, spec.Knobs.Keys);
    }

    private void Load()
    {
        CsvReading reading = CsvReading.Read(File.ReadAllText(Path));
        if (reading.Header.Count == 0)
        {
            return;
        }
        _header = [.. reading.Header];
        List<string> knobs = [.. ResultColumns.KnobsOf(_header)];
        List<CsvBadLine> bad = [.. reading.BadLines];
        List<int> rowLines = [];
        foreach (CsvRecord record in reading.Records)
        {
            Dictionary<string, string> values = new(StringComparer.Ordinal);
            for (int i = 0; i < _header.Count; i++)
            {
                values[_header[i]] = record.Fields[i];
            }
            if (Invalid(values) is { } reason)
            {
                bad.Add(new CsvBadLine(record.Line, CsvFormat.Line(record.Fields), reason));
                continue;
            }
            _rows.Add(new ResultRow(values, knobs, $"{Path}:{record.Line}"));
            rowLines.Add(record.Line);
        }
        foreach (CsvBadLine line in bad.OrderBy(b => b.Line))
        {
            _problems.Add($"{Path}:{line.Line}: {line.Reason}: the line is left out; fix or delete it (a resumed sweep runs its trial again)");
            _badLines.Add((rowLines.Count(l => l < line.Line), line.Text));
        }
        if (reading.IncompleteTail > 0)
        {
            _problems.Add($"{Path}:{reading.IncompleteTailLine}: cut short (a write was interrupted): the line is left out, and cut off before the next append (its trial runs again)");
        }
    }

    /// <summary>What makes a row unreadable, or null: the columns a row's identity and status are read from.</summary>
    private static string? Invalid(Dictionary<string, string> values)
    {
        string status = values.TryGetValue("status", out string? s) ? s : "";
        if (!TrialStatusText.TryParse(status, out _))
        {
            return TrialStatusText.Unknown(status);
        }
        foreach (string column in (string[])["threads", "repetition"])
        {
            string text = values.TryGetValue(column, out string? v) ? v : "";
            if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out _))
            {
                return $"{column} '{text}' is not a whole number";
            }
        }
        return null;
    }

    private void DropIncompleteTail()
    {
        if (!File.Exists(Path))
        {
            File.WriteAllText(Path, CsvFormat.Line(_header) + "\n", new UTF8Encoding(false));
            return;
        }
        using (FileStream probe = new(Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite))
        {
            if (probe.Length == 0)
            {
                return;
            }
            probe.Seek(-1, SeekOrigin.End);
            if (probe.ReadByte() == '\n')
            {
                // The usual case: the last write ended its line.
                return;
            }
        }
        string text = File.ReadAllText(Path);
        int tail = CsvReading.Read(text).IncompleteTail;
        if (tail > 0)
        {
            // An interrupted write left half a line: cut it off (its trial was not recorded and will run again).
            using FileStream stream = new(Path, FileMode.Open, FileAccess.Write);
            stream.SetLength(new UTF8Encoding(false).GetByteCount(text.AsSpan(0, text.Length - tail)));
        }
    }

    private void Rewrite()
    {
        string? directory = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(Path));
        if (directory is not null)
        {
            Directory.CreateDirectory(directory);
        }
        string temporary = Path + ".tmp";
        using (StreamWriter writer = new(temporary, false, new UTF8Encoding(false)))
        {
            writer.Write(CsvFormat.Line(_header) + "\n");
            for (int i = 0; i <= _rows.Count; i++)
            {
                foreach ((_, string bad) in _badLines.Where(b => b.RowsBefore == i))
                {
                    // Kept as it was: a bad line is the user's to fix or delete, never the program's to drop.
                    writer.Write(bad + "\n");
                }
                if (i < _rows.Count)
                {
                    ResultRow row = _rows[i];
                    writer.Write(CsvFormat.Line(_header.Select(c => row.Values.TryGetValue(c, out string? v) ? v : "")) + "\n");
                }
            }
        }
        File.Move(temporary, Path, overwrite: true);
    }

    private static string Int(long value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>A measured value: a whole number (a count, KiB) exactly, any other to 6 significant digits.</summary>
    private static string Real(double value) =>
        !double.IsFinite(value) ? ""
        : value == Math.Floor(value) && Math.Abs(value) < 1e15 ? value.ToString("0", CultureInfo.InvariantCulture)
        : value.ToString("G6", CultureInfo.InvariantCulture);
}
