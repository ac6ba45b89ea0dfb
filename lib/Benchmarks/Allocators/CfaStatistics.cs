using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Workbench.Allocator;

namespace Workbench.Benchmarks.Allocators;

/// <summary>
/// cfa-malloc's own statistics (<c>CfaMalloc.GetStatistics()</c>) flattened into named numbers
/// (<c>cfa_&lt;member&gt;</c>, nested records joined with <c>_</c>), so the results keep whatever the
/// allocator counts without this project hard-coding its shape. The statistics are read through source-generated
/// JSON (<see cref="CfaStatisticsJsonContext"/>), not reflection, so that an ahead-of-time trial process reports
/// them too.
/// </summary>
public static class CfaStatistics
{
    /// <summary>How deep nested records are followed (the statistics are at most two levels deep).</summary>
    private const int MaxDepth = 3;

    /// <summary>The current statistics as name/value pairs.</summary>
    public static IReadOnlyDictionary<string, double> Snapshot()
    {
        Dictionary<string, double> values = new(StringComparer.Ordinal);
        JsonNode? statistics = JsonSerializer.SerializeToNode(CfaMalloc.GetStatistics(), CfaStatisticsJsonContext.Default.AllocatorStatistics);
        Flatten("cfa", statistics, values, 0);
        return values;
    }

    /// <summary>Numbers and booleans (as 1 and 0) by their path; lists and text are left out.</summary>
    private static void Flatten(string prefix, JsonNode? node, Dictionary<string, double> into, int depth)
    {
        if (node is null || depth > MaxDepth)
        {
            return;
        }
        switch (node.GetValueKind())
        {
            case JsonValueKind.Number:
                into[prefix] = node.GetValue<double>();
                return;
            case JsonValueKind.True:
                into[prefix] = 1;
                return;
            case JsonValueKind.False:
                into[prefix] = 0;
                return;
            case JsonValueKind.Object:
                foreach ((string name, JsonNode? member) in node.AsObject())
                {
                    Flatten($"{prefix}_{Snake(name)}", member, into, depth + 1);
                }
                return;
            default:
                return;
        }
    }

    private static string Snake(string name)
    {
        System.Text.StringBuilder text = new();
        for (int i = 0; i < name.Length; i++)
        {
            if (char.IsUpper(name[i]) && i > 0)
            {
                text.Append('_');
            }
            text.Append(char.ToLowerInvariant(name[i]));
        }
        return text.ToString();
    }
}

/// <summary>Source-generated JSON of cfa-malloc's statistics, every public property and field under its C# name.</summary>
[JsonSourceGenerationOptions(IncludeFields = true)]
[JsonSerializable(typeof(AllocatorStatistics))]
internal sealed partial class CfaStatisticsJsonContext : JsonSerializerContext
{
}
