using System.Collections;
using System.Globalization;
using System.Net;
using System.Text;

namespace Workbench.Figures;

/// <summary>
/// A table of rows for a notebook: columns are the public properties of the row type (or the keys of
/// dictionary rows), numbers are written with invariant culture. Shown as an HTML table by the formatter that
/// notebooks/setup.dib registers, and as aligned text by <see cref="ToString"/>.
/// </summary>
public sealed class Table
{
    private Table(IReadOnlyList<string> columns, IReadOnlyList<IReadOnlyList<string>> rows)
    {
        Columns = columns;
        Rows = rows;
    }

    /// <summary>The column names.</summary>
    public IReadOnlyList<string> Columns { get; }

    /// <summary>The cells, already formatted.</summary>
    public IReadOnlyList<IReadOnlyList<string>> Rows { get; }

    /// <summary>A table of <paramref name="rows"/>.</summary>
    public static Table Of<T>(IEnumerable<T> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        List<T> list = [.. rows];
        List<string> columns = [];
        List<IReadOnlyList<string>> cells = [];
        foreach (T row in list)
        {
            List<(string Name, object? Value)> values = Values(row);
            foreach ((string name, _) in values)
            {
                if (!columns.Contains(name))
                {
                    columns.Add(name);
                }
            }
        }
        foreach (T row in list)
        {
            Dictionary<string, object?> values = Values(row).ToDictionary(v => v.Name, v => v.Value);
            cells.Add([.. columns.Select(c => values.TryGetValue(c, out object? v) ? Format(v) : "")]);
        }
        return new Table(columns, cells);
    }

    /// <summary>The table as HTML.</summary>
    public string ToHtml()
    {
        StringBuilder html = new("<table><thead><tr>");
        foreach (string column in Columns)
        {
            html.Append("<th>").Append(WebUtility.HtmlEncode(column)).Append("</th>");
        }
        html.Append("</tr></thead><tbody>");
        foreach (IReadOnlyList<string> row in Rows)
        {
            html.Append("<tr>");
            foreach (string cell in row)
            {
                html.Append("<td>").Append(WebUtility.HtmlEncode(cell)).Append("</td>");
            }
            html.Append("</tr>");
        }
        return html.Append("</tbody></table>").ToString();
    }

    /// <summary>The table as aligned text.</summary>
    public override string ToString()
    {
        int[] widths = [.. Columns.Select((c, i) => Math.Max(c.Length, Rows.Select(r => r[i].Length).DefaultIfEmpty(0).Max()))];
        StringBuilder text = new();
        text.AppendJoin("  ", Columns.Select((c, i) => c.PadRight(widths[i]))).Append('\n');
        foreach (IReadOnlyList<string> row in Rows)
        {
            text.AppendJoin("  ", row.Select((c, i) => c.PadRight(widths[i]))).Append('\n');
        }
        return text.ToString();
    }

    private static List<(string Name, object? Value)> Values(object? row)
    {
        if (row is null)
        {
            return [];
        }
        if (row is IDictionary dictionary)
        {
            List<(string, object?)> entries = [];
            foreach (DictionaryEntry entry in dictionary)
            {
                entries.Add((Convert.ToString(entry.Key, CultureInfo.InvariantCulture) ?? "", entry.Value));
            }
            return entries;
        }
        return [.. row.GetType().GetProperties().Where(p => p.GetIndexParameters().Length == 0).Select(p => (p.Name, p.GetValue(row)))];
    }

    private static string Format(object? value) => value switch
    {
        null => "",
        double d when !double.IsFinite(d) => "-",
        double d => Math.Abs(d) >= 1000 || d == Math.Floor(d) ? d.ToString("#,0.##", CultureInfo.InvariantCulture) : d.ToString("0.###", CultureInfo.InvariantCulture),
        float f => ((double)f).ToString("0.###", CultureInfo.InvariantCulture),
        long or int => Convert.ToInt64(value, CultureInfo.InvariantCulture).ToString("#,0", CultureInfo.InvariantCulture),
        bool b => b ? "yes" : "no",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };
}
