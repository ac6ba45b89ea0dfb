using Workbench.Benchmarks.Results;

namespace Workbench.Benchmarks.Analysis;

/// <summary>
/// The CPU models a run's trials ran on, from the rows' <c>cpu_model</c> and <c>node</c> columns (a run merged from
/// shares that ran on different nodes, e.g. the tasks of a Slurm array). Ratios and paired comparisons across CPU
/// models do not pair: a run on more than one model says so. Rows without a CPU model (files from before the column)
/// are not counted. Invariant: <see cref="Models"/> is ordered by trials, most first, and no model is empty.
/// </summary>
public sealed class HardwareMix
{
    /// <summary>One CPU model of the run.</summary>
    /// <param name="CpuModel">The model, as /proc/cpuinfo names it.</param>
    /// <param name="Nodes">The nodes of that model, sorted.</param>
    /// <param name="Trials">Rows that ran on it.</param>
    public sealed record Model(string CpuModel, IReadOnlyList<string> Nodes, int Trials);

    private HardwareMix(List<Model> models) => Models = models;

    /// <summary>The run's CPU models.</summary>
    public IReadOnlyList<Model> Models { get; }

    /// <summary>Whether the trials ran on more than one CPU model.</summary>
    public bool Mixed => Models.Count > 1;

    /// <summary>The CPU models of <paramref name="rows"/>.</summary>
    public static HardwareMix Of(IEnumerable<ResultRow> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        List<Model> models = [.. rows.Where(r => r.Text("cpu_model").Length > 0)
            .GroupBy(r => r.Text("cpu_model"), StringComparer.Ordinal)
            .Select(g => new Model(g.Key, [.. g.Select(r => r.Text("node")).Where(n => n.Length > 0).Distinct().Order(StringComparer.Ordinal)], g.Count()))
            .OrderByDescending(m => m.Trials).ThenBy(m => m.CpuModel, StringComparer.Ordinal)];
        return new HardwareMix(models);
    }

    /// <summary>One line for a mixed run: which models, on which nodes, and that ratios across them do not pair.</summary>
    public string Describe() =>
        $"mixed hardware: the trials ran on {Models.Count} CPU models ({string.Join("; ", Models.Select(m => $"{m.CpuModel}: {m.Trials} trials on {(m.Nodes.Count == 0 ? "unknown nodes" : string.Join(",", m.Nodes))}"))}): " +
        "ratios across CPU models do not pair; compare within one model (run each on one partition of like nodes)";
}
