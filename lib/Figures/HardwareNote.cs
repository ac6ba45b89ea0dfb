using Plotly.NET;
using Workbench.Benchmarks.Analysis;

namespace Workbench.Figures;

/// <summary>
/// The line every figure of a run on mixed hardware carries (the shares of a Slurm array on nodes of different CPU
/// models), below the plot: which models, and that ratios across them do not pair (<see cref="HardwareMix"/>).
/// </summary>
internal static class HardwareNote
{
    /// <summary>Adds the note to each figure when the run's trials ran on more than one CPU model; the figures otherwise unchanged.</summary>
    internal static List<Figure> Add(List<Figure> figures, RunData run)
    {
        HardwareMix mix = HardwareMix.Of(run.Rows);
        if (!mix.Mixed)
        {
            return figures;
        }
        string note = $"Mixed hardware: {string.Join("; ", mix.Models.Select(m => $"{m.CpuModel} ({m.Trials} trials)"))}. Ratios across CPU models do not pair.";
        foreach (Figure figure in figures)
        {
            Layout layout = GenericChart.getLayout(figure.Chart);
            // Room for the note under the axis title: the bottom margin grows by a line, and the note sits in that line.
            int bottom = 70;
            if (layout.TryGetPropertyValue("margin") is { } margin && margin.Value is Dictionary<string, object> sides && sides.TryGetValue("b", out object? b) && b is int old)
            {
                bottom = old;
                sides["b"] = old + 24;
            }
            Style.AddAnnotation(layout, new Dictionary<string, object>
            {
                ["text"] = System.Net.WebUtility.HtmlEncode(note),
                ["xref"] = "paper",
                ["yref"] = "paper",
                ["x"] = 0,
                ["y"] = 0,
                ["xanchor"] = "left",
                ["yanchor"] = "top",
                ["yshift"] = -bottom,
                ["showarrow"] = false,
                ["font"] = new Dictionary<string, object> { ["size"] = 12, ["color"] = "#B00020" },
            });
        }
        return figures;
    }
}
