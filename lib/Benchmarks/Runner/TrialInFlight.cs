using System.Diagnostics;
using System.Globalization;
using Workbench.Benchmarks.Platform;

namespace Workbench.Benchmarks.Runner;

/// <summary>
/// The trial a runner has in flight in a run folder, named in the file <c>trial-in-flight</c> while it runs, so that the
/// next runner in that folder can end it if its runner died and left it behind.
/// </summary>
/// <remarks>
/// Each trial process starts with its own random token in <see cref="TokenVariable"/>; every process it starts (a real
/// program, GNU time, a compiler's passes) inherits it. The file holds <c>TOKEN PID RUNNER-PID</c>. A process is the
/// stale trial's, and so ours to end, exactly when its starting environment carries that token: a reused process id
/// can never match. Trial processes are also tied to their runner (<see cref="ParentDeath"/>), so a stale trial is
/// the exception: one whose runner died in the instant before the tie, or one started by an older workbench.
/// Invariant: one runner at a time uses a run folder (two would also run the same trials twice).
/// </remarks>
public static class TrialInFlight
{
    /// <summary>The file in the run folder.</summary>
    public const string FileName = "trial-in-flight";

    /// <summary>The variable that carries a trial's token to its process and everything that process starts.</summary>
    public const string TokenVariable = "WORKBENCH_TRIAL_TOKEN";

    /// <summary>A new token for a trial.</summary>
    public static string NewToken() => Guid.NewGuid().ToString("N");

    /// <summary>Records the trial in flight: its token and process, and this runner.</summary>
    public static void Record(string runDirectory, string token, int pid) =>
        File.WriteAllText(Path.Combine(runDirectory, FileName),
            string.Create(CultureInfo.InvariantCulture, $"{token} {pid} {Environment.ProcessId}\n"));

    /// <summary>Forgets the trial in flight (it has ended).</summary>
    public static void Clear(string runDirectory) => File.Delete(Path.Combine(runDirectory, FileName));

    /// <summary>
    /// Ends what is left of a trial that an earlier runner in this folder had in flight when it died: every live process
    /// that carries its token, killed (SIGKILL) and waited for (up to 5 s). Returns one line saying what was ended, or
    /// null when nothing was left.
    /// </summary>
    public static string? EndStale(string runDirectory)
    {
        string file = Path.Combine(runDirectory, FileName);
        if (!File.Exists(file))
        {
            return null;
        }
        string[] fields = File.ReadAllText(file).Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        string? note = null;
        if (fields.Length == 3 && fields[0].Length == 32)
        {
            List<int> left = ProcessTable.WithVariable(TokenVariable, fields[0]);
            if (left.Count > 0)
            {
                ProcessTable.Kill(left);
                Stopwatch waited = Stopwatch.StartNew();
                while (left.Any(ProcessTable.IsAlive) && waited.Elapsed < TimeSpan.FromSeconds(5))
                {
                    Thread.Sleep(10);
                }
                note = $"ended {left.Count} process(es) of a trial left running by an earlier runner (pid {fields[2]}): pid {string.Join(", ", left)}; its trial runs again";
            }
        }
        File.Delete(file);
        return note;
    }
}
