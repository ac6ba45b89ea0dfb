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

    /// <summary>The file name of plotly.js when one copy is shared by the HTML figures of a folder.</summary>
    public static string SharedFileName => $"plotly-{Version}.min.js";

    /// <summary>
    /// A standalone HTML page of a figure: opens offline, interactive (zoom, hover), resizes with the window. plotly.js
    /// is inlined (3.6 MB a page), or, with <paramref name="sharedScript"/>, loaded from <see cref="SharedFileName"/>
    /// beside the page (a few kilobytes a page; the folder needs that file).
    /// </summary>
    public static string Page(Figure figure, bool sharedScript = false)
    {
        ArgumentNullException.ThrowIfNull(figure);
        StringBuilder html = new();
        html.Append("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>").Append(WebUtility.HtmlEncode(figure.Title)).Append("</title>\n");
        if (sharedScript)
        {
            html.Append("<script type=\"text/javascript\" src=\"").Append(SharedFileName).Append("\"></script>\n");
        }
        else
        {
            html.Append("<script type=\"text/javascript\">").Append(Script).Append("</script>\n");
        }
        html.Append("</head>\n<body style=\"margin:0\">\n");
        html.Append(Div(figure, "figure", responsive: true));
        html.Append("</body></html>\n");
        return html.ToString();
    }

    /// <summary>Pixels added above an interactive figure's title, where plotly.js puts its toolbar.</summary>
    public const int ToolbarRoom = 28;

    /// <summary>
    /// A div and the script that draws the figure into it (plotly.js must already be loaded). Interactive, the figure
    /// gets <see cref="ToolbarRoom"/> more pixels at the top with its title moved down into them, so that plotly.js's
    /// toolbar (top right) does not cover the title; static exports are not changed.
    /// </summary>
    public static string Div(Figure figure, string id, bool responsive = false)
    {
        ArgumentNullException.ThrowIfNull(figure);
        string config = "{\"displaylogo\":false,\"responsive\":" + (responsive ? "true" : "false") + "}";
        string room = ToolbarRoom.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return $"<div id=\"{id}\" style=\"width:{figure.Width}px;height:{figure.Height + ToolbarRoom}px\"></div>\n" +
            $"<script type=\"text/javascript\">(function(){{var fig={figure.ToJson()};var l=fig.layout;l.margin=l.margin||{{}};" +
            $"l.margin.t=(l.margin.t||60)+{room};l.height=(l.height||{figure.Height})+{room};" +
            "if(l.title&&l.title.text){l.title.yref='container';l.title.y=1-" + room + "/l.height;l.title.yanchor='top';}" +
            $"Plotly.newPlot('{id}',fig.data,l,{config});}})();</script>\n";
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
