using System.Globalization;

namespace Workbench.Figures.Plotting;

/// <summary>
/// The note a chart carries when its axis cuts an interval (so that one wide interval does not flatten every other
/// point): a line above the plot's top-left corner, over the repetitions' line, naming the cut intervals with their real
/// ends (the first two, then how many more), each drawn reaching the frame.
/// </summary>
internal static class CutIntervals
{
    /// <summary>How many cut intervals the note names before it counts the rest.</summary>
    private const int Named = 2;

    /// <summary>The note for the intervals given (each by what it belongs to and its ends); null for none.</summary>
    internal static Dictionary<string, object>? Note(IReadOnlyList<(string Label, double Low, double High)> cut)
    {
        if (cut.Count == 0)
        {
            return null;
        }
        string named = string.Join("; ", cut.Take(Named).Select(c => string.Create(CultureInfo.InvariantCulture, $"{c.Label} [{Ends(c.Low)}, {Ends(c.High)}]")));
        string more = cut.Count > Named ? $" and {cut.Count - Named} more" : "";
        return new Dictionary<string, object>
        {
            ["name"] = "cut intervals",
            ["text"] = System.Net.WebUtility.HtmlEncode($"\u2195 interval cut at the frame: {named}{more}"),
            ["xref"] = "paper",
            ["yref"] = "paper",
            ["x"] = 0,
            ["y"] = 1,
            ["xanchor"] = "left",
            ["yanchor"] = "bottom",
            ["showarrow"] = false,
            ["font"] = new Dictionary<string, object> { ["size"] = 12, ["color"] = "#B00020" },
        };
    }

    private static string Ends(double value) => !double.IsFinite(value) ? "-" : value.ToString(value < 0.01 || value >= 1000 ? "0.##e0" : "G3", CultureInfo.InvariantCulture);
}
