using System.Reflection;
using Workbench.Allocator;

namespace Workbench.Benchmarks.Allocators;

/// <summary>
/// cfa-malloc's own statistics (<c>CfaMalloc.GetStatistics()</c>) flattened into named numbers
/// (<c>cfa_&lt;field&gt;</c>, nested records joined with <c>_</c>), so the results keep whatever the
/// allocator counts without this project hard-coding its shape.
/// </summary>
public static class CfaStatistics
{
    /// <summary>The current statistics as name/value pairs.</summary>
    public static IReadOnlyDictionary<string, double> Snapshot()
    {
        Dictionary<string, double> values = new(StringComparer.Ordinal);
        object? statistics = CfaMalloc.GetStatistics();
        Flatten("cfa", statistics, values, 0);
        return values;
    }

    private static void Flatten(string prefix, object? value, Dictionary<string, double> into, int depth)
    {
        if (value is null || depth > 3)
        {
            return;
        }
        switch (value)
        {
            case long or int or ulong or uint or nuint or nint or short or ushort or byte or double or float or decimal:
                into[prefix] = Convert.ToDouble(value, System.Globalization.CultureInfo.InvariantCulture);
                return;
            case bool b:
                into[prefix] = b ? 1 : 0;
                return;
            case string or System.Collections.IEnumerable:
                return;
        }
        foreach (PropertyInfo property in value.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.GetIndexParameters().Length == 0)
            {
                Flatten($"{prefix}_{Snake(property.Name)}", property.GetValue(value), into, depth + 1);
            }
        }
        foreach (FieldInfo field in value.GetType().GetFields(BindingFlags.Public | BindingFlags.Instance))
        {
            Flatten($"{prefix}_{Snake(field.Name)}", field.GetValue(value), into, depth + 1);
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
