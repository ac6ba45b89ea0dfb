using Workbench.Benchmarks.Allocators;
using Workbench.Benchmarks.Results;

namespace Workbench.Benchmarks.Analysis;

/// <summary>
/// One configuration of one benchmark: a subject allocator against the best native peer of that configuration, the
/// native allocator (glibc, jemalloc, tcmalloc, mimalloc, tbb) with the lowest median of the metric.
/// </summary>
/// <param name="Benchmark">The benchmark.</param>
/// <param name="Configuration">Threads and sizes, as in the summary.</param>
/// <param name="Subject">The allocator compared.</param>
/// <param name="SubjectMedian">The subject's median over its ok repetitions.</param>
/// <param name="Peer">The best native peer of this configuration.</param>
/// <param name="PeerMedian">The peer's median over its ok repetitions.</param>
/// <param name="Versus">The subject against the peer: paired by repetition when the repetitions pair up (the
/// geometric mean of the per-repetition ratios, with its interval), else Welch's ratio of means.</param>
public sealed record BestPeerLine(
    string Benchmark,
    string Configuration,
    string Subject,
    double SubjectMedian,
    string Peer,
    double PeerMedian,
    Comparison? Versus)
{
    /// <summary>The ratio of the medians, subject over peer (below 1: the subject is better).</summary>
    public double MedianRatio => SubjectMedian / PeerMedian;
}

/// <summary>
/// Compares one allocator with the best native peer of each configuration of a run, the way the performance targets are
/// stated ("cfa time &lt;= 0.8 x the best peer") and docs/results.md reports them.
/// </summary>
public static class BestPeerComparison
{
    /// <summary>
    /// One line per configuration in which <paramref name="subject"/> and at least one native allocator have ok values
    /// of <paramref name="metric"/> (lower taken as better), in the run's benchmark order.
    /// </summary>
    public static List<BestPeerLine> Build(IReadOnlyList<ResultRow> rows, string subject, string metric = "ns_per_op")
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(subject);
        ArgumentNullException.ThrowIfNull(metric);
        List<BestPeerLine> lines = [];
        foreach (string benchmark in rows.Select(r => r.Benchmark).Distinct())
        {
            foreach (IGrouping<string, ResultRow> configuration in rows.Where(r => r.Benchmark == benchmark).GroupBy(SummaryBuilder.ConfigurationKey))
            {
                Dictionary<string, List<ResultRow>> byAllocator = configuration.GroupBy(r => r.Allocator)
                    .ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
                if (!byAllocator.TryGetValue(subject, out List<ResultRow>? mine) || SummaryBuilder.OkValues(mine, metric) is not { Count: > 0 } myValues)
                {
                    continue;
                }
                var peers = byAllocator
                    .Where(p => p.Key != subject && AllocatorCatalog.Find(p.Key)?.Kind == AllocatorKind.Native)
                    .Select(p => (Name: p.Key, Rows: p.Value, Values: SummaryBuilder.OkValues(p.Value, metric)))
                    .Where(p => p.Values.Count > 0)
                    .Select(p => (p.Name, p.Rows, Median: Describe.Quantile(p.Values, 0.5)))
                    .OrderBy(p => p.Median)
                    .ThenBy(p => p.Name, StringComparer.Ordinal)
                    .ToList();
                if (peers.Count == 0)
                {
                    continue;
                }
                var best = peers[0];
                lines.Add(new BestPeerLine(
                    benchmark,
                    SummaryBuilder.Label(configuration.First()),
                    subject,
                    Describe.Quantile(myValues, 0.5),
                    best.Name,
                    best.Median,
                    SummaryBuilder.Compare(mine, best.Rows, metric)));
            }
        }
        return lines;
    }
}
