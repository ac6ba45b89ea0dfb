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
    /// The records of a CSV text. A last record that is not terminated by a line break (a write cut short)
    /// is returned in <paramref name="incompleteTail"/> instead, with its length in characters.
    /// </summary>
    public static List<List<string>> Parse(string text, out int incompleteTail)
    {
        ArgumentNullException.ThrowIfNull(text);
        List<List<string>> records = [];
        List<string> current = [];
        StringBuilder field = new();
        bool quoted = false;
        int recordStart = 0;
        int i = 0;
        while (i < text.Length)
        {
            char c = text[i];
            if (quoted)
            {
                if (c == '"')
                {
                    if (i + 1 < text.Length && text[i + 1] == '"')
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
                    current.Add(field.ToString());
                    field.Clear();
                    break;
                case '\r':
                    break;
                case '\n':
                    current.Add(field.ToString());
                    field.Clear();
                    records.Add(current);
                    current = [];
                    recordStart = i + 1;
                    break;
                default:
                    field.Append(c);
                    break;
            }
            i++;
        }
        incompleteTail = text.Length - recordStart;
        return records;
    }
}
