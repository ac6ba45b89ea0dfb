using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Workbench.Benchmarks.Analysis;

namespace Workbench.Figures;

/// <summary>
/// Where a run's numbers come from, from its <c>metadata.json</c> (<see cref="RunData.Metadata"/>): the machine, the
/// commit, the .NET runtime and the version of each allocator the run has, and the CPU models its trials ran on. The
/// notebooks show it under each run's first chart; its text is one line per part.
/// </summary>
/// <param name="Run">The run's name.</param>
/// <param name="Created">When the run was started (UTC, as metadata.json has it), or null.</param>
/// <param name="Commit">The git commit the run was made from (<c>-dirty</c> when the tree had changes), or null.</param>
/// <param name="Machine">Host name, CPU model, logical cores, memory and kernel, or null.</param>
/// <param name="Runtime">The .NET runtime and OS, or null.</param>
/// <param name="Allocators">The version of each allocator with ok rows in the run (its Debian package for a library).</param>
public sealed record RunProvenance(string Run, string? Created, string? Commit, string? Machine, string? Runtime, IReadOnlyList<string> Allocators)
{
    /// <summary>The provenance of a run; a run with no metadata.json says so in <see cref="Machine"/>'s place.</summary>
    public static RunProvenance Of(RunData run)
    {
        ArgumentNullException.ThrowIfNull(run);
        JsonObject? meta = run.Metadata;
        if (meta is null)
        {
            return new RunProvenance(run.Name, null, null, null, null, [.. run.Allocators]);
        }
        string? machine = null;
        if (meta["machine"] is JsonObject m)
        {
            List<string> parts = [];
            AddIf(parts, Text(m["hostname"]));
            // The CPU models the trials ran on (a merged Slurm run may have several), else the machine's own.
            HardwareMix mix = HardwareMix.Of(run.Rows);
            string? cpus = mix.Models.Count > 0 ? string.Join(" + ", mix.Models.Select(x => x.CpuModel)) : Text(m["cpu_model"]);
            AddIf(parts, cpus);
            if (m["logical_cores"] is JsonValue cores)
            {
                parts.Add(string.Create(CultureInfo.InvariantCulture, $"{cores} logical cores"));
            }
            if (m["memory_kib"] is JsonValue kib && kib.TryGetValue(out long memory) && memory > 0)
            {
                parts.Add(string.Create(CultureInfo.InvariantCulture, $"{memory / 1024.0 / 1024.0:0.#} GiB"));
            }
            if (Text(m["kernel"]) is { } kernel)
            {
                parts.Add("Linux " + kernel);
            }
            machine = parts.Count == 0 ? null : string.Join(", ", parts);
        }
        string? runtime = meta["dotnet"] is JsonObject d
            ? string.Join(", ", new[] { Text(d["framework"]), Text(d["os"]) }.Where(t => t is not null))
            : null;
        List<string> allocators = [];
        JsonObject? versions = meta["allocators"] as JsonObject;
        foreach (string allocator in run.Allocators)
        {
            if (versions?[allocator] is JsonObject entry && Text(entry["version"]) is { } version)
            {
                string? package = Text(entry["package"]);
                allocators.Add(package is null ? $"{allocator} {version}" : $"{allocator} {version} ({package})");
            }
            else
            {
                allocators.Add($"{allocator} (version not recorded)");
            }
        }
        return new RunProvenance(run.Name, Text(meta["created_utc"]), Text(meta["git_commit"]), machine, runtime, allocators);
    }

    /// <summary>One line per part: run and commit, machine, runtime, allocators.</summary>
    public IReadOnlyList<string> Lines
    {
        get
        {
            if (Machine is null && Commit is null)
            {
                return [$"run {Run}: no metadata.json, so no record of the machine, commit or allocator versions"];
            }
            List<string> lines = [$"run {Run}{(Created is null ? "" : $", started {Created}")}, commit {Commit ?? "unknown"}"];
            if (Machine is not null)
            {
                lines.Add("machine: " + Machine);
            }
            if (Runtime is not null)
            {
                lines.Add("runtime: " + Runtime);
            }
            if (Allocators.Count > 0)
            {
                lines.Add("allocators: " + string.Join("; ", Allocators));
            }
            return lines;
        }
    }

    /// <summary>The lines, small and grey, for a notebook's output under a chart.</summary>
    public string ToHtml() =>
        "<div class=\"workbench-provenance\" style=\"font-size:smaller;color:#555\">"
        + string.Join("<br/>", Lines.Select(WebUtility.HtmlEncode)) + "</div>";

    /// <summary>The lines joined by newlines.</summary>
    public override string ToString() => string.Join("\n", Lines);

    private static string? Text(JsonNode? node) =>
        node is JsonValue value && value.TryGetValue(out string? text) && !string.IsNullOrWhiteSpace(text) ? text : null;

    private static void AddIf(List<string> parts, string? part)
    {
        if (part is not null)
        {
            parts.Add(part);
        }
    }
}
