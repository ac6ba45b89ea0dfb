using System.Text;

namespace Workbench.Benchmarks.Results;

/// <summary>RFC 4180 CSV: fields with a comma, quote or line break are quoted, quotes doubled.</summary>
public static class CsvFormat
{
    /// <summary>One line (without the line break) from fields.</summary>
    public static string Line(IEnumerable<string> fields) => string.Join(",", fields.Select(Escape));

    /// <summary>A field, quoted when needed.</summary>
    public static string Escape(string field)
    {
        ArgumentNullException.ThrowIfNull(field);
        if (field.AsSpan().IndexOfAny(",\"\r\n") < 0)
        {
            return field;
        }
        return "\"" + field.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
    }

    /// <summary>
    /// The record that starts at <paramref name="start"/>, read up to its line break outside quotes (after which
    /// <c>Next</c> points) but never at or past <paramref name="limit"/>. <c>Closed</c> is false when the limit came
    /// first: a quote was never closed, and <c>Fields</c> is then what was read up to it.
    /// </summary>
    public static (List<string> Fields, int Next, bool Closed) ParseRecord(string text, int start, int limit)
    {
        ArgumentNullException.ThrowIfNull(text);
        List<string> fields = [];
        StringBuilder field = new();
        bool quoted = false;
        int i = start;
        while (i < limit)
        {
            char c = text[i];
            if (quoted)
            {
                if (c == '"')
                {
                    if (i + 1 < limit && text[i + 1] == '"')
                    {
                        field.Append('"');
                        i += 2;
                        continue;
                    }
                    quoted = false;
                }
                else
                {
                    field.Append(c);
                }
                i++;
                continue;
            }
            switch (c)
            {
                case '"':
                    quoted = true;
                    break;
                case ',':
                    fields.Add(field.ToString());
                    field.Clear();
                    break;
                case '\r':
                    break;
                case '\n':
                    fields.Add(field.ToString());
                    return (fields, i + 1, true);
                default:
                    field.Append(c);
                    break;
            }
            i++;
        }
        fields.Add(field.ToString());
        return (fields, limit, false);
    }

    /// <summary>
    /// The records of a CSV text. A last record that is not terminated by a line break (a write cut short)
    /// is returned in <paramref name="incompleteTail"/> instead, with its length in characters.
    /// </summary>
    public static List<List<string>> Parse(string text, out int incompleteTail)
    {
        ArgumentNullException.ThrowIfNull(text);
        List<List<string>> records = [];
        int position = 0;
        while (position < text.Length)
        {
            (List<string> fields, int next, bool closed) = ParseRecord(text, position, text.Length);
            if (!closed)
            {
                break;
            }
            records.Add(fields);
            position = next;
        }
        incompleteTail = text.Length - position;
        return records;
    }
}
