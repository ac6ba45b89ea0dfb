using System.Globalization;
using Plotly.NET;
using Workbench.Benchmarks.Results;

namespace Workbench.Figures;

/// <summary>
/// The line every chart carries above its plot's top-right corner: how many repetitions stand behind each point
/// (<c>5 repetitions</c>, <c>3-5 repetitions</c> where they differ) and, with one, that there is no interval.
/// </summary>
public static class RepetitionNote
{
    /// <summary>The fewest and most ok repetitions of any one allocator, benchmark, thread count and configuration among <paramref name="rows"/>; (0, 0) for none.</summary>
    public static (int Fewest, int Most) Count(IEnumerable<ResultRow> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        List<int> counts = [.. rows.GroupBy(r => (r.Benchmark, r.Allocator, r.Threads, Configuration: RunData.ConfigurationOf(r))).Select(g => g.Count())];
        return counts.Count == 0 ? (0, 0) : (counts.Min(), counts.Max());
    }

    /// <summary>The note's text: <c>n = 5 repetitions</c>, <c>n = 3-5 repetitions</c>, or <c>n = 1 repetition: no interval</c>.</summary>
    public static string Text(int fewest, int most) => (fewest, most) switch
    {
        (1, 1) => "n = 1 repetition: no interval",
        (1, _) => string.Create(CultureInfo.InvariantCulture, $"n = 1-{most} repetitions (no interval where 1)"),
        _ when fewest == most => string.Create(CultureInfo.InvariantCulture, $"n = {most} repetitions"),
        _ => string.Create(CultureInfo.InvariantCulture, $"n = {fewest}-{most} repetitions"),
    };

    /// <summary>Adds the note for <paramref name="rows"/> (the rows the figure draws) to a figure; returns it (null stays null).</summary>
    public static Figure? Add(Figure? figure, IEnumerable<ResultRow> rows)
    {
        if (figure is null)
        {
            return null;
        }
        (int fewest, int most) = Count(rows);
        if (most == 0)
        {
            return figure;
        }
        Layout layout = GenericChart.getLayout(figure.Chart);
        // Above the top row's panel titles, where the figure has panels: at the plot's corner it sat on the last title.
        bool panelTitles = layout.TryGetPropertyValue("annotations") is { } existing && existing.Value is System.Collections.IEnumerable all
            && all.OfType<IDictionary<string, object>>().Any(a => a.TryGetValue("name", out object? name) && Equals(name, Plotting.Panels.PanelTitle));
        Style.AddAnnotation(layout, new Dictionary<string, object>
        {
            ["name"] = "repetitions",
            ["text"] = Text(fewest, most),
            ["xref"] = "paper",
            ["yref"] = "paper",
            ["x"] = 1,
            ["y"] = 1,
            ["xanchor"] = "right",
            ["yanchor"] = "bottom",
            ["yshift"] = panelTitles ? 24 : 3,
            ["showarrow"] = false,
            ["font"] = new Dictionary<string, object> { ["size"] = 12, ["color"] = "#555555" },
        });
        return figure with { Repetitions = (fewest, most) };
    }
}
