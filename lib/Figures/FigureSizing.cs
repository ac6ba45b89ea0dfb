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
                if (title["text"]?.GetValue<string>() is { } text)
                {
                    title["text"] = PixelFont().Replace(text, m => string.Create(CultureInfo.InvariantCulture,
                        $"font-size:{Math.Round(double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) * ratio, 1)}px"));
                }
            }
            else
            {
                layout.Remove("title");
                // Room above the plot for the repetition note only.
                Child(layout, "margin")["t"] = Math.Round(size.FontPx * 1.9);
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

    /// <summary>The legend in rows under the plot, the bottom margin grown by as many lines as it needs.</summary>
    private static void LegendBelow(JsonObject layout, JsonObject legend, JsonArray traces, FigureSize size)
    {
        List<string> names = [.. traces.OfType<JsonObject>()
            .Where(t => t["showlegend"]?.GetValue<bool>() != false && t["name"] is JsonValue)
            .Select(t => t["name"]!.GetValue<string>())];
        if (names.Count == 0 || layout["showlegend"]?.GetValue<bool>() == false)
        {
            return;
        }
        // An entry is its symbol (about 40 px) and its text (about 0.55 em a character).
        double usable = size.WidthPx - 20;
        int rows = 1;
        double line = 0;
        foreach (string name in names)
        {
            double entry = 40 + name.Length * 0.55 * size.FontPx;
            if (line > 0 && line + entry > usable)
            {
                rows++;
                line = 0;
            }
            line += entry;
        }
        double height = rows * size.FontPx * 1.5 + 6;
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
