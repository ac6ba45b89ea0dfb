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
    public static TrialStatus Parse(string text) => text switch
    {
        "ok" => TrialStatus.Ok,
        "failed" => TrialStatus.Failed,
        "timeout" => TrialStatus.Timeout,
        "skipped" => TrialStatus.Skipped,
        _ => throw new FormatException($"unknown status '{text}'"),
    };
}
