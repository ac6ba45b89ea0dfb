using System.Globalization;
using System.Net;
using Workbench.Benchmarks.Analysis;
using Workbench.Benchmarks.Results;

namespace Workbench.Figures;

/// <summary>
/// The closing cell of a notebook: findings computed from the numbers the notebook just produced, never written in
/// advance. <see cref="Compare"/> states one allocator against a baseline per configuration, with the interval and
/// the verdict it allows; <see cref="Add"/> takes a finding the notebook computes itself. Shown as a list.
/// </summary>
public sealed class Conclusion
{
    private readonly List<string> _findings = [];

    /// <summary>A conclusion with a heading (<c>Conclusion</c> by default).</summary>
    public Conclusion(string heading = "Conclusion")
    {
        Heading = heading;
    }

    /// <summary>The heading.</summary>
    public string Heading { get; }

    /// <summary>The findings, in the order added.</summary>
    public IReadOnlyList<string> Findings => _findings;

    /// <summary>Adds a finding (a sentence the notebook computed from its numbers).</summary>
    public Conclusion Add(string finding)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(finding);
        _findings.Add(finding);
        return this;
    }

    /// <summary>
    /// Adds one finding per thread count and configuration of <paramref name="benchmark"/>: <paramref name="allocator"/>'s
    /// <paramref name="metric"/> over <paramref name="baseline"/>'s, paired by repetition where the run allows
    /// (<see cref="SummaryBuilder.Compare"/>), with its 95% interval and what it allows one to say
    /// (<see cref="Verdict"/>).
    /// </summary>
    /// <exception cref="ChartInputException">The run has no such benchmark, allocator or baseline.</exception>
    public Conclusion Compare(RunData run, string benchmark, string allocator, string baseline, string metric = "ns_per_op")
    {
        ArgumentNullException.ThrowIfNull(run);
        ChartInputException.ThrowIfNotIn("benchmark", benchmark, run, run.Benchmarks);
        List<ResultRow> rows = [.. run.Of(benchmark)];
        List<string> allocators = [.. AllocatorColors.InCatalogueOrder(rows.Select(r => r.Allocator))];
        ChartInputException.ThrowIfNotIn("allocator", allocator, run, allocators);
        ChartInputException.ThrowIfNotIn("baseline", baseline, run, allocators);
        List<string> configurations = [.. rows.Select(RunData.ConfigurationOf).Distinct(StringComparer.Ordinal)];
        IReadOnlyList<string> shortNames = RunData.ShortConfigurationNames(configurations);
        bool severalThreadCounts = rows.Select(r => r.Threads).Distinct().Count() > 1;
        foreach (IGrouping<(int Threads, string Configuration), ResultRow> group in rows
            .GroupBy(r => (r.Threads, Configuration: RunData.ConfigurationOf(r)))
            .OrderBy(g => configurations.IndexOf(g.Key.Configuration)).ThenBy(g => g.Key.Threads))
        {
            List<string> where = [benchmark];
            if (configurations.Count > 1)
            {
                where.Add(shortNames[configurations.IndexOf(group.Key.Configuration)]);
            }
            if (severalThreadCounts || group.Key.Threads > 1)
            {
                where.Add(group.Key.Threads == 1 ? "1 thread" : string.Create(CultureInfo.InvariantCulture, $"{group.Key.Threads} threads"));
            }
            List<ResultRow> mine = [.. group.Where(r => r.Allocator == allocator)];
            List<ResultRow> theirs = [.. group.Where(r => r.Allocator == baseline)];
            Comparison? c = SummaryBuilder.Compare(mine, theirs, metric);
            string what = metric == "ns_per_op" ? "time per operation" : metric;
            string place = string.Join(", ", where);
            if (c is null)
            {
                Add($"{place}: no {what} of both {allocator} and {baseline} to compare");
                continue;
            }
            int n = Math.Min(mine.Count, theirs.Count);
            string interval = double.IsFinite(c.RatioLow) && double.IsFinite(c.RatioHigh)
                ? string.Create(CultureInfo.InvariantCulture, $"95% interval {c.RatioLow:0.00}-{c.RatioHigh:0.00}, {n} repetitions{(c.Paired ? " paired" : "")}")
                : string.Create(CultureInfo.InvariantCulture, $"{n} repetition{(n == 1 ? "" : "s")}: no interval");
            string verdict = Verdict(c, metric == "ns_per_op" ? "faster" : "lower", metric == "ns_per_op" ? "slower" : "higher");
            Add(string.Create(CultureInfo.InvariantCulture, $"{place}: {allocator}'s {what} is {c.Ratio:0.00}x {baseline}'s ({interval}): {verdict}"));
        }
        return this;
    }

    /// <summary>
    /// What a ratio with its interval allows one to say: <paramref name="lower"/> (<c>faster</c>) when the whole 95%
    /// interval is below 1, <paramref name="higher"/> when it is above, <c>no clear difference</c> when it holds 1, and
    /// <c>too few repetitions to tell</c> when there is no interval.
    /// </summary>
    public static string Verdict(Comparison comparison, string lower = "faster", string higher = "slower")
    {
        ArgumentNullException.ThrowIfNull(comparison);
        if (!double.IsFinite(comparison.RatioLow) || !double.IsFinite(comparison.RatioHigh))
        {
            return "too few repetitions to tell";
        }
        if (comparison.RatioHigh < 1)
        {
            return lower;
        }
        return comparison.RatioLow > 1 ? higher : "no clear difference";
    }

    /// <summary>The heading and the findings as a list.</summary>
    public string ToHtml() =>
        $"<div class=\"workbench-conclusion\"><strong>{WebUtility.HtmlEncode(Heading)}</strong> (computed from this run)<ul>"
        + string.Concat((_findings.Count == 0 ? ["no findings: the run has no numbers to compare"] : _findings).Select(f => $"<li>{WebUtility.HtmlEncode(f)}</li>"))
        + "</ul></div>";

    /// <summary>The heading and one line per finding.</summary>
    public override string ToString() => Heading + ":\n" + string.Join("\n", _findings.Select(f => "- " + f));
}
