using MathNet.Numerics.Statistics;
using Workbench.Benchmarks.Model;
using Workbench.Benchmarks.Results;

namespace Workbench.Benchmarks.Analysis;

/// <summary>One allocator in one traced program: its median time live and replayed, each relative to glibc's.</summary>
/// <param name="Allocator">The allocator.</param>
/// <param name="Live">Median time of the live run (the program preloaded on it), over glibc's.</param>
/// <param name="Replayed">Median time of the replay of the program's trace on it, over glibc's.</param>
public sealed record ReplayPredictionCell(string Allocator, double Live, double Replayed);

/// <summary>
/// How well the replay of one program's trace predicts how the allocators rank on the program itself.
/// </summary>
/// <param name="Program">The trace's name (<c>sqlite3</c> for <c>program:traced-sqlite3</c> and <c>trace:.../sqlite3.trace</c>).</param>
/// <param name="Cells">Each allocator with values in both runs, fastest live first.</param>
/// <param name="Spearman">Spearman's rank correlation of the two orders (1: the same order).</param>
/// <param name="PairsAgreeing">The share of allocator pairs that the replay orders as the live run does.</param>
public sealed record ReplayPredictionLine(string Program, IReadOnlyList<ReplayPredictionCell> Cells, double Spearman, double PairsAgreeing)
{
    /// <summary>The fastest allocator live.</summary>
    public string LiveBest => Cells[0].Allocator;

    /// <summary>The fastest allocator replayed.</summary>
    public string ReplayedBest => Cells.MinBy(c => c.Replayed)!.Allocator;
}

/// <summary>
/// Compares a run of the live traced programs (<c>program:traced-NAME</c>, data/programs) with a run of their replays
/// (<c>trace:data/traces/NAME.trace</c>): per program, each allocator's median time relative to glibc in both, and how
/// much of the live ranking the replay gets right.
/// </summary>
public static class ReplayPrediction
{
    /// <summary>The prefix of a live traced program's name.</summary>
    public const string TracedPrefix = "program:traced-";

    /// <summary>One line per traced program found in both runs, each with at least two allocators besides glibc in both.</summary>
    public static List<ReplayPredictionLine> Build(IReadOnlyList<ResultRow> live, IReadOnlyList<ResultRow> replayed, string metric = "ns_per_op")
    {
        ArgumentNullException.ThrowIfNull(live);
        ArgumentNullException.ThrowIfNull(replayed);
        List<ReplayPredictionLine> lines = [];
        foreach (string sizes in live.Select(r => r.Sizes).Where(s => s.StartsWith(TracedPrefix, StringComparison.Ordinal)).Distinct())
        {
            string name = sizes[TracedPrefix.Length..];
            Dictionary<string, double> liveMedians = Medians(live.Where(r => r.Sizes == sizes), metric);
            Dictionary<string, double> replayMedians = Medians(replayed.Where(r => r.Benchmark == "trace-replay"
                && r.Sizes.StartsWith("trace:", StringComparison.Ordinal) && Path.GetFileNameWithoutExtension(r.Sizes) == name), metric);
            if (!liveMedians.TryGetValue("glibc", out double liveGlibc) || !replayMedians.TryGetValue("glibc", out double replayGlibc))
            {
                continue;
            }
            List<ReplayPredictionCell> cells = [.. liveMedians.Keys.Intersect(replayMedians.Keys)
                .Select(a => new ReplayPredictionCell(a, liveMedians[a] / liveGlibc, replayMedians[a] / replayGlibc))
                .OrderBy(c => c.Live).ThenBy(c => c.Allocator, StringComparer.Ordinal)];
            if (cells.Count < 3)
            {
                continue;
            }
            double spearman = Correlation.Spearman(cells.Select(c => c.Live), cells.Select(c => c.Replayed));
            int agreeing = 0, pairs = 0;
            for (int i = 0; i < cells.Count; i++)
            {
                for (int j = i + 1; j < cells.Count; j++)
                {
                    pairs++;
                    if (Math.Sign(cells[i].Live - cells[j].Live) == Math.Sign(cells[i].Replayed - cells[j].Replayed))
                    {
                        agreeing++;
                    }
                }
            }
            lines.Add(new ReplayPredictionLine(name, cells, spearman, (double)agreeing / pairs));
        }
        return lines;
    }

    private static Dictionary<string, double> Medians(IEnumerable<ResultRow> rows, string metric) =>
        rows.Where(r => r.Status == TrialStatus.Ok && double.IsFinite(r.Number(metric)))
            .GroupBy(r => r.Allocator)
            .ToDictionary(g => g.Key, g => Describe.Quantile(g.Select(r => r.Number(metric)), 0.5), StringComparer.Ordinal);
}
