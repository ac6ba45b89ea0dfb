using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Workbench.Figures;

/// <summary>
/// Fits a figure's plotly.js JSON to a <see cref="FigureSize"/>: its width and height, every font scaled from the
/// screen's 14-pixel base to the size's (ticks, axis titles, legend, title, notes, cell text), margins and caps with them,
/// the title left out where the size says so, and on a narrow figure the legend laid out in rows under the plot so that
/// the plot keeps the width. The chart itself is not changed: this works on a copy of its JSON.
/// </summary>
internal static partial class FigureSizing
{
    /// <summary>The font, in CSS pixels, that the charts are drawn with.</summary>
    private const double ScreenFontPx = 14;

    /// <summary>Below this width a legend beside the plot would take a third of it.</summary>
    private const double NarrowInches = 5;

    internal static string Apply(string figureJson, FigureSize size)
    {
        JsonObject figure = JsonNode.Parse(figureJson)!.AsObject();
        JsonObject layout = figure["layout"] as JsonObject ?? [];
        figure["layout"] = layout;
        double ratio = size.FontPx / ScreenFontPx;
        layout["width"] = size.WidthPx;
        layout["height"] = size.HeightPx;
        Font(layout, "font", size.FontPx);
        if (layout["margin"] is JsonObject margin)
        {
            foreach (string side in new[] { "l", "r", "t", "b" })
            {
                Scale(margin, side, ratio);
            }
        }
        if (layout["title"] is JsonObject title)
        {
            if (size.Titles)
            {
                Scale(Child(title, "font"), "size", ratio);
                Scale(Child(title, "pad"), "t", ratio);
                if (title["text"]?.GetValue<string>() is { } text)
                {
                    title["text"] = PixelFont().Replace(text, m => string.Create(CultureInfo.InvariantCulture,
                        $"font-size:{Math.Round(double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) * ratio, 1)}px"));
                }
            }
            else
            {
                layout.Remove("title");
                // Room above the plot for the notes only: the repetitions, and a cut interval's line above it.
                bool twoLines = layout["annotations"] is JsonArray notes && notes.OfType<JsonObject>().Any(a => a["name"]?.GetValue<string>() == "cut intervals");
                Child(layout, "margin")["t"] = Math.Round(size.FontPx * (twoLines ? 3.3 : 1.9));
            }
        }
        foreach ((string name, JsonNode? node) in layout.ToList())
        {
            if ((name.StartsWith("xaxis", StringComparison.Ordinal) || name.StartsWith("yaxis", StringComparison.Ordinal)) && node is JsonObject axis)
            {
                Font(axis, "tickfont", size.FontPx);
                if (axis["title"] is JsonObject axisTitle)
                {
                    Font(axisTitle, "font", size.FontPx);
                    JsonObject margins = Child(layout, "margin");
                    double across = name.StartsWith('x')
                        ? size.WidthPx - (margins["l"]?.GetValue<double>() ?? 80) - (margins["r"]?.GetValue<double>() ?? 30)
                        : size.HeightPx - (margins["t"]?.GetValue<double>() ?? 60) - (margins["b"]?.GetValue<double>() ?? 70);
                    WrapTitle(axisTitle, across, size.FontPx);
                }
                if (name.StartsWith('y') && axis["tickvals"] is JsonArray ticks && axis["ticktext"] is JsonArray labels)
                {
                    JsonObject margins = Child(layout, "margin");
                    ThinTicks(axis, ticks, labels, size.HeightPx - (margins["t"]?.GetValue<double>() ?? 60) - (margins["b"]?.GetValue<double>() ?? 70), size.FontPx);
                }
            }
        }
        if (layout["annotations"] is JsonArray annotations)
        {
            foreach (JsonObject annotation in annotations.OfType<JsonObject>())
            {
                Scale(Child(annotation, "font"), "size", ratio);
                Scale(annotation, "yshift", ratio);
            }
        }
        JsonObject legend = Child(layout, "legend");
        Font(legend, "font", size.FontPx);
        Font(Child(legend, "title"), "font", size.FontPx);
        if (figure["data"] is JsonArray traces)
        {
            foreach (JsonObject trace in traces.OfType<JsonObject>())
            {
                if (trace["textfont"] is JsonObject textFont)
                {
                    Scale(textFont, "size", ratio);
                }
                if (trace["marker"] is JsonObject marker)
                {
                    Scale(marker, "size", Math.Max(ratio, 0.6));
                }
                if (trace["error_y"] is JsonObject errors)
                {
                    Scale(errors, "width", ratio);
                }
            }
            if (size.WidthInches < NarrowInches)
            {
                LegendBelow(layout, legend, traces, size);
            }
        }
        return figure.ToJsonString();
    }

    /// <summary>
    /// The legend in rows under the plot, in as many columns as entries as wide as the longest fit across it; the figure grows by their height, so that the plot keeps the
    /// size's height (a column is 3.4 inches wide whatever the legend, and its plot as tall as the size says).
    /// </summary>
    private static void LegendBelow(JsonObject layout, JsonObject legend, JsonArray traces, FigureSize size)
    {
        List<string> names = [.. traces.OfType<JsonObject>()
            .Where(t => t["showlegend"]?.GetValue<bool>() != false && t["name"] is JsonValue)
            .Select(t => t["name"]!.GetValue<string>())];
        if (names.Count == 0 || layout["showlegend"]?.GetValue<bool>() == false || (names.Count == 1 && layout["showlegend"] is null))
        {
            return;
        }
        // An entry is its symbol (about 40 px) and its text (about half an em a character); the columns as many as entries
        // as wide as the widest fit across the plot, each given that width.
        // plotly.js gives a legend below the plot the plot's width, every entry as wide as the widest; its font a little
        // smaller than the ticks' so that two or three columns fit across a column figure.
        JsonObject margins = Child(layout, "margin");
        double across = size.WidthPx - (margins["l"]?.GetValue<double>() ?? 80) - (margins["r"]?.GetValue<double>() ?? 30) - 8;
        double fontPx = Math.Round(size.FontPx * 0.9, 1);
        Font(legend, "font", fontPx);
        double entry = 40 + names.Max(n => n.Length) * 0.5 * fontPx;
        int columns = Math.Clamp((int)(across / entry), 1, names.Count);
        int rows = (names.Count + columns - 1) / columns;
        legend["entrywidthmode"] = "pixels";
        legend["entrywidth"] = Math.Floor(across / columns) - 40 - 8;
        double height = Math.Round(rows * fontPx * 1.75 + 6);
        legend["orientation"] = "h";
        legend["x"] = 0;
        legend["xanchor"] = "left";
        legend["yref"] = "container";
        legend["y"] = 0;
        legend["yanchor"] = "bottom";
        legend.Remove("title");
        legend["borderwidth"] = 0;
        JsonObject margin = Child(layout, "margin");
        margin["b"] = Math.Round((margin["b"]?.GetValue<double>() ?? 70) + height);
        layout["height"] = size.HeightPx + (int)height;
    }

    /// <summary>
    /// The labelled ticks of a log axis (1-2-5 per decade) thinned to powers of ten when they would be closer than one and
    /// a half lines of text on a short axis.
    /// </summary>
    private static void ThinTicks(JsonObject axis, JsonArray ticks, JsonArray labels, double length, double fontPx)
    {
        if (ticks.Count * fontPx * 1.6 <= length)
        {
            return;
        }
        List<int> kept = [.. Enumerable.Range(0, ticks.Count).Where(i =>
            ticks[i]?.GetValue<double>() is double t && t > 0 && Math.Abs(Math.Log10(t) - Math.Round(Math.Log10(t))) < 1e-9)];
        if (kept.Count >= 2)
        {
            axis["tickvals"] = new JsonArray([.. kept.Select(i => ticks[i]!.DeepClone())]);
            axis["ticktext"] = new JsonArray([.. kept.Select(i => labels[i]!.DeepClone())]);
        }
    }

    /// <summary>
    /// An axis title longer than its side of the plot broken into two lines at the space nearest its middle (plotly.js
    /// does not wrap, and a y title longer than a column figure's plot is cut off at both ends).
    /// </summary>
    private static void WrapTitle(JsonObject axisTitle, double available, double fontPx)
    {
        if (axisTitle["text"]?.GetValue<string>() is not { } text || text.Contains("<br>", StringComparison.Ordinal) || text.Length * 0.55 * fontPx <= available)
        {
            return;
        }
        int middle = text.Length / 2;
        int split = Enumerable.Range(0, text.Length).Where(i => text[i] == ' ').OrderBy(i => Math.Abs(i - middle)).DefaultIfEmpty(-1).First();
        if (split > 0)
        {
            axisTitle["text"] = text[..split] + "<br>" + text[(split + 1)..];
        }
    }

    private static JsonObject Child(JsonObject parent, string name)
    {
        if (parent[name] is not JsonObject child)
        {
            child = [];
            parent[name] = child;
        }
        return child;
    }

    private static void Font(JsonObject parent, string name, double px) => Child(parent, name)["size"] = Math.Round(px, 1);

    private static void Scale(JsonObject parent, string name, double ratio)
    {
        if (parent[name] is JsonValue value && value.TryGetValue(out double number))
        {
            parent[name] = Math.Round(number * ratio, 1);
        }
    }

    [GeneratedRegex(@"font-size:(\d+(?:\.\d+)?)px")]
    private static partial Regex PixelFont();
}
