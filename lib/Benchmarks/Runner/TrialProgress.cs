using System.Globalization;
using Workbench.Benchmarks.Model;

namespace Workbench.Benchmarks.Runner;

/// <summary>Progress of a sweep after a trial finished (or was found done).</summary>
/// <param name="Done">Trials of this share finished so far, including those found in the results file.</param>
/// <param name="Total">Trials in this share.</param>
/// <param name="Last">The trial just finished, or null.</param>
public readonly record struct TrialProgress(int Done, int Total, TrialRecord? Last)
{
    /// <summary>
    /// The line the CLI prints per trial and a notebook shows: <c>[3/12] churn cfa 2t uniform:16-1024 #1: ok 41.2 ns/op</c>
    /// (the failure's message instead of the time when it did not end ok); <c>[0/12]</c> alone before the first trial.
    /// </summary>
    public string Line
    {
        get
        {
            string count = string.Create(CultureInfo.InvariantCulture, $"[{Done}/{Total}]");
            if (Last is not { } last)
            {
                return count;
            }
            string note = last.Result.Status == TrialStatus.Ok
                ? string.Create(CultureInfo.InvariantCulture, $"{last.Result.NsPerOp:0.0} ns/op")
                : last.Result.Message;
            return string.Create(CultureInfo.InvariantCulture,
                $"{count} {last.Spec.Benchmark} {last.Spec.Allocator} {last.Spec.Threads}t {last.Spec.Sizes} #{last.Spec.Repetition}: {last.Result.Status.ToText()} {note}").TrimEnd();
        }
    }

    /// <summary>
    /// The time the trials not yet run will take at the pace of those run since the sweep started
    /// (<paramref name="doneAtStart"/>: trials already done then, found in the results file); null before the first one ends.
    /// </summary>
    public TimeSpan? Remaining(TimeSpan elapsed, int doneAtStart)
    {
        int ranNow = Done - doneAtStart;
        if (ranNow <= 0)
        {
            return null;
        }
        return elapsed / ranNow * Math.Max(0, Total - Done);
    }

    /// <summary>A duration as a person reads it: <c>45 s</c>, <c>3 min 20 s</c>, <c>1 h 05 min</c>.</summary>
    public static string Duration(TimeSpan time)
    {
        double seconds = Math.Max(0, time.TotalSeconds);
        if (seconds < 60)
        {
            return string.Create(CultureInfo.InvariantCulture, $"{Math.Round(seconds):0} s");
        }
        if (seconds < 3600)
        {
            int s = (int)Math.Round(seconds);
            return string.Create(CultureInfo.InvariantCulture, $"{s / 60} min {s % 60:00} s");
        }
        int minutes = (int)Math.Round(seconds / 60);
        return string.Create(CultureInfo.InvariantCulture, $"{minutes / 60} h {minutes % 60:00} min");
    }
}
