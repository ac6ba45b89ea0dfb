using System.Globalization;
using Workbench.Benchmarks.Model;

namespace Workbench.Cli;

/// <summary>Comma-separated option values, checked with one-line errors.</summary>
public static class ListParsing
{
    /// <summary>Items of a comma-separated list (repeated options are joined); empty for null.</summary>
    public static List<string> Items(IEnumerable<string>? values) =>
        values is null ? [] : [.. values.SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))];

    /// <summary>Thread counts.</summary>
    /// <exception cref="UsageException">Not whole numbers from 1 to 1024.</exception>
    public static List<int> Threads(IEnumerable<string>? values) =>
        WholeNumbers(values, 1, 1024, item => $"bad thread count '{item}': threads must be whole numbers from 1 to 1024, e.g. --threads 1,2");

    /// <summary>CPU numbers: items separated by commas, each a whole number from 0.</summary>
    /// <exception cref="UsageException">Not a CPU of this machine.</exception>
    public static List<int> Cpus(IEnumerable<string>? values) =>
        WholeNumbers(values, 0, Environment.ProcessorCount - 1, item => $"bad CPU '{item}': this machine has CPUs 0 to {Environment.ProcessorCount - 1}, e.g. --cpus 0,1");

    /// <summary>Whole numbers from <paramref name="min"/> to <paramref name="max"/>; <paramref name="error"/> words the message for a bad item.</summary>
    private static List<int> WholeNumbers(IEnumerable<string>? values, int min, int max, Func<string, string> error)
    {
        List<int> numbers = [];
        foreach (string item in Items(values))
        {
            if (!int.TryParse(item, NumberStyles.None, CultureInfo.InvariantCulture, out int n) || n < min || n > max)
            {
                throw new UsageException(error(item));
            }
            numbers.Add(n);
        }
        return numbers;
    }

    /// <summary>Size specs: items separated by commas, except inside <c>file:</c> paths (use a repeated option for those).</summary>
    public static List<string> Sizes(IEnumerable<string>? values)
    {
        List<string> sizes = [];
        foreach (string value in values ?? [])
        {
            if (value.TrimStart().StartsWith("file:", StringComparison.OrdinalIgnoreCase))
            {
                sizes.Add(value.Trim());
            }
            else
            {
                sizes.AddRange(value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
            }
        }
        return sizes;
    }

    /// <summary>Knob settings <c>name=v1,v2</c> (or <c>benchmark.name=v1,v2</c>).</summary>
    /// <exception cref="UsageException">Not of that form.</exception>
    public static Dictionary<KnobName, List<long>> Knobs(IEnumerable<string>? values)
    {
        Dictionary<KnobName, List<long>> knobs = [];
        foreach (string setting in values ?? [])
        {
            int equals = setting.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                throw new UsageException($"bad knob setting '{setting}': write --set NAME=VALUE[,VALUE...], e.g. --set iterations=1000");
            }
            KnobName name = KnobName.Parse(setting[..equals].Trim());
            List<long> numbers = [];
            foreach (string item in setting[(equals + 1)..].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                string text = item.Replace("_", "", StringComparison.Ordinal);
                if (!long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long number))
                {
                    throw new UsageException($"bad value '{item}' for knob '{name}': write whole numbers, e.g. --set {name}=1000");
                }
                numbers.Add(number);
            }
            if (numbers.Count == 0)
            {
                throw new UsageException($"knob '{name}' has no value: write --set {name}=VALUE");
            }
            knobs[name] = numbers;
        }
        return knobs;
    }
}
