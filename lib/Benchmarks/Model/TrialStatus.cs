namespace Workbench.Benchmarks.Model;

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
