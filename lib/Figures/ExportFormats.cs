namespace Workbench.Figures;

/// <summary>The files a figure is exported to.</summary>
[Flags]
public enum ExportFormats
{
    /// <summary>Nothing.</summary>
    None = 0,

    /// <summary>HTML (interactive, opens offline), plotly.js inlined or shared by the pages of a folder (<see cref="FigureExporter.WriteHtml"/>).</summary>
    Html = 1,

    /// <summary>SVG (vector, for papers), rendered by plotly.js in Chromium.</summary>
    Svg = 2,

    /// <summary>PNG: at 300 dpi for a figure fitted to a printed size (<see cref="FigureSize"/>), else at twice its CSS size (for the README).</summary>
    Png = 4,

    /// <summary>PDF (vector), Chromium printing the SVG on a page of the figure's size.</summary>
    Pdf = 8,

    /// <summary>The static formats.</summary>
    Static = Svg | Png | Pdf,

    /// <summary>Everything.</summary>
    All = Html | Svg | Png | Pdf,
}
