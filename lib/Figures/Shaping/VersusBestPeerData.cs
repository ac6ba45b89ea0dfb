using Workbench.Benchmarks.Analysis;

namespace Workbench.Figures.Shaping;

/// <summary>What the versus-best-peer figure draws: one bar per configuration, the subject against its best native peer there.</summary>
/// <param name="Subject">The allocator compared.</param>
/// <param name="Bars">One bar per configuration that has the subject and a native peer, in the report's order; each label
/// names the benchmark, the threads (with the sizes too when a benchmark ran several) and, in parentheses, the peer.</param>
public sealed record VersusBestPeerData(string Subject, IReadOnlyList<RatioBar> Bars)
{
    /// <summary>
    /// The subject's time per operation over the best native peer's (lowest median) in each configuration, paired by
    /// repetition where the repetitions pair up, as <c>workbench report --versus-best</c> computes it. Null when no
    /// configuration has the subject and a native peer.
    /// </summary>
    public static VersusBestPeerData? From(RunData run, string subject = "cfa")
    {
        ArgumentNullException.ThrowIfNull(run);
        List<BestPeerLine> lines = [.. BestPeerComparison.Build(run.Ok, subject).Where(l => l.Versus is not null)];
        if (lines.Count == 0)
        {
            return null;
        }
        bool severalSizes = lines.GroupBy(l => l.Benchmark).Any(g => g.Select(l => Split(l.Configuration).Sizes).Distinct().Count() > 1);
        return new VersusBestPeerData(subject, [.. lines.Select(l =>
            new RatioBar($"{l.Benchmark} {(severalSizes ? l.Configuration : Split(l.Configuration).Threads)} ({l.Peer})", l.Versus!))]);
    }

    /// <summary>A report configuration is "threads sizes": its two parts.</summary>
    private static (string Threads, string Sizes) Split(string configuration) =>
        configuration.IndexOf(' ', StringComparison.Ordinal) is int i and >= 0 ? (configuration[..i], configuration[(i + 1)..]) : (configuration, "");
}
