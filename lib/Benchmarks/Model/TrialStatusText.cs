namespace Workbench.Benchmarks.Model;

/// <summary>The text form of <see cref="TrialStatus"/>.</summary>
public static class TrialStatusText
{
    /// <summary>ok, failed, timeout or skipped.</summary>
    public static string ToText(this TrialStatus status) => status switch
    {
        TrialStatus.Ok => "ok",
        TrialStatus.Failed => "failed",
        TrialStatus.Timeout => "timeout",
        _ => "skipped",
    };

    /// <summary>Parses ok, failed, timeout or skipped.</summary>
    /// <exception cref="FormatException">Any other text.</exception>
    public static TrialStatus Parse(string text) =>
        TryParse(text, out TrialStatus status) ? status : throw new FormatException(Unknown(text));

    /// <summary>Parses ok, failed, timeout or skipped; false for any other text.</summary>
    public static bool TryParse(string text, out TrialStatus status)
    {
        (bool known, status) = text switch
        {
            "ok" => (true, TrialStatus.Ok),
            "failed" => (true, TrialStatus.Failed),
            "timeout" => (true, TrialStatus.Timeout),
            "skipped" => (true, TrialStatus.Skipped),
            _ => (false, TrialStatus.Skipped),
        };
        return known;
    }

    /// <summary>What is wrong with a status that is none of the four: <c>unknown status 'x': write ok, failed, timeout or skipped</c>.</summary>
    public static string Unknown(string text) => $"unknown status '{text}': write ok, failed, timeout or skipped";
}
