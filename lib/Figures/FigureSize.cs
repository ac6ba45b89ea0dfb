using System.Globalization;

namespace Workbench.Figures;

/// <summary>
/// The printed size of a figure, in inches, with its font in points, and whether it carries its title: a screen, a
/// paper's column or text width, or a slide. plotly.js lays figures out in CSS pixels, 96 to the inch, so a 3.4-inch
/// column figure is 326 pixels wide and its 8-point font 10.7 pixels; a PNG is written at <see cref="Dpi"/> dots per inch.
/// Papers caption a figure below it, so the paper sizes leave the title out (<see cref="Titles"/>).
/// </summary>
/// <param name="Name">The preset's name (<c>screen</c>, <c>column</c>, <c>text</c>, <c>slide</c>).</param>
/// <param name="WidthInches">Width, inches.</param>
/// <param name="HeightInches">Height, inches.</param>
/// <param name="FontPt">Tick-label and legend font, points; axis titles are as large, the title a little larger, notes a little smaller.</param>
/// <param name="Titles">Whether the figure carries its title inside it.</param>
public sealed record FigureSize(string Name, double WidthInches, double HeightInches, double FontPt, bool Titles)
{
    /// <summary>CSS pixels per inch (plotly.js and every browser).</summary>
    public const double CssPixelsPerInch = 96;

    /// <summary>Dots per inch of an exported PNG.</summary>
    public const double Dpi = 300;

    /// <summary>What the figures were drawn at before sizes existed: 900 x 540 CSS pixels, 14-pixel (10.5 pt) ticks, titled.</summary>
    public static FigureSize Screen { get; } = new("screen", Style.Width / CssPixelsPerInch, Style.Height / CssPixelsPerInch, 10.5, true);

    /// <summary>One column of a two-column paper (ACM, IEEE, USENIX): 3.4 x 2.3 inches, 8 pt, no title.</summary>
    public static FigureSize Column { get; } = new("column", 3.4, 2.3, 8, false);

    /// <summary>The full text width of a paper: 7 x 3.2 inches, 9 pt, no title.</summary>
    public static FigureSize Text { get; } = new("text", 7, 3.2, 9, false);

    /// <summary>A 16:9 slide's content area: 11.5 x 5.8 inches, 18 pt, titled.</summary>
    public static FigureSize Slide { get; } = new("slide", 11.5, 5.8, 18, true);

    /// <summary>The presets, by name.</summary>
    public static IReadOnlyList<FigureSize> Presets { get; } = [Screen, Column, Text, Slide];

    /// <summary>Width in CSS pixels.</summary>
    public int WidthPx => (int)Math.Round(WidthInches * CssPixelsPerInch);

    /// <summary>Height in CSS pixels.</summary>
    public int HeightPx => (int)Math.Round(HeightInches * CssPixelsPerInch);

    /// <summary>The font in CSS pixels.</summary>
    public double FontPx => FontPt * CssPixelsPerInch / 72;

    /// <summary>The preset named <paramref name="name"/> (any case).</summary>
    /// <exception cref="ArgumentException">No preset has that name; the one-line message lists them.</exception>
    public static FigureSize Named(string name) =>
        Presets.FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase))
        ?? throw new ArgumentException($"size '{name}' is none of {string.Join(", ", Presets.Select(p => p.Name))}", nameof(name));

    /// <summary>This size with another font.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The font is not between 4 and 40 points.</exception>
    public FigureSize WithFont(double points) => points is >= 4 and <= 40
        ? this with { FontPt = points }
        : throw new ArgumentOutOfRangeException(nameof(points), points, "a font of 4 to 40 points");

    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{Name}: {WidthInches:0.##} x {HeightInches:0.##} in, {FontPt:0.#} pt{(Titles ? "" : ", no title")}");
}
