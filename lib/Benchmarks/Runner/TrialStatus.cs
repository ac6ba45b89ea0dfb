namespace Workbench.Benchmarks.Runner;

/// <summary>How a trial ended (the <c>status</c> column).</summary>
public enum TrialStatus
{
    /// <summary>It ran and measured.</summary>
    Ok,

    /// <summary>It threw or its process died.</summary>
    Failed,

    /// <summary>It ran past its time limit and was killed.</summary>
    Timeout,

    /// <summary>It could not run here (allocator not installed, or lacking a routine); a rerun tries it again.</summary>
    Skipped,
}

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
