using System.Net;
using System.Reflection;
using System.Text;

namespace Workbench.Figures;

/// <summary>
/// plotly.js as Plotly.NET ships it (an embedded resource of its assembly), so that HTML figures and
/// notebook outputs draw with no network, and the HTML page of a figure.
/// </summary>
public static class PlotlyJs
{
    private static readonly Lazy<string> Source = new(Load);

    /// <summary>The minified plotly.js source.</summary>
    public static string Script => Source.Value;

    /// <summary>The plotly.js version.</summary>
    public static string Version { get; } = ResourceName().Replace("Plotly.NET.plotly-", "", StringComparison.Ordinal).Replace(".min.js", "", StringComparison.Ordinal);

    /// <summary>
    /// A standalone HTML page of a figure with plotly.js inlined: opens offline, interactive (zoom, hover),
    /// resizes with the window.
    /// </summary>
    public static string Page(Figure figure)
    {
        ArgumentNullException.ThrowIfNull(figure);
        StringBuilder html = new();
        html.Append("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>").Append(WebUtility.HtmlEncode(figure.Title)).Append("</title>\n");
        html.Append("<script type=\"text/javascript\">").Append(Script).Append("</script>\n</head>\n<body style=\"margin:0\">\n");
        html.Append(Div(figure, "figure", responsive: true));
        html.Append("</body></html>\n");
        return html.ToString();
    }

    /// <summary>A div and the script that draws the figure into it (plotly.js must already be loaded).</summary>
    public static string Div(Figure figure, string id, bool responsive = false)
    {
        ArgumentNullException.ThrowIfNull(figure);
        string config = "{\"displaylogo\":false,\"responsive\":" + (responsive ? "true" : "false") + "}";
        return $"<div id=\"{id}\" style=\"width:{figure.Width}px;height:{figure.Height}px\"></div>\n" +
            $"<script type=\"text/javascript\">(function(){{var fig={figure.ToJson()};Plotly.newPlot('{id}',fig.data,fig.layout,{config});}})();</script>\n";
    }

    private static string ResourceName() =>
        typeof(Plotly.NET.GenericChart).Assembly.GetManifestResourceNames().First(n => n.StartsWith("Plotly.NET.plotly-", StringComparison.Ordinal) && n.EndsWith(".min.js", StringComparison.Ordinal));

    private static string Load()
    {
        Assembly assembly = typeof(Plotly.NET.GenericChart).Assembly;
        using Stream stream = assembly.GetManifestResourceStream(ResourceName())!;
        using StreamReader reader = new(stream, Encoding.UTF8);
        return reader.ReadToEnd();
    }
}
