using System.Text.Json;
using Workbench.Benchmarks.Model;

namespace Workbench.Benchmarks.Runner;

/// <summary>The one line a trial process prints for the runner that started it: <see cref="Marker"/>, then its <see cref="TrialResult"/> as JSON.</summary>
public static class TrialResultLine
{
    /// <summary>What starts the result line on the trial process's standard output.</summary>
    public const string Marker = "@@workbench-trial ";

    /// <summary>The line to print.</summary>
    public static string Of(TrialResult result) => Marker + JsonSerializer.Serialize(result, RunnerJsonContext.Default.TrialResult);

    /// <summary>The result in a line of output, or null when the line is not one.</summary>
    public static TrialResult? Parse(string? line)
    {
        if (line is null || !line.StartsWith(Marker, StringComparison.Ordinal))
        {
            return null;
        }
        try
        {
            return JsonSerializer.Deserialize(line.AsSpan(Marker.Length), RunnerJsonContext.Default.TrialResult);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
