using Workbench.Benchmarks.Model;
using Workbench.Benchmarks.Runner;

namespace Workbench.TrialHost;

/// <summary>
/// <c>workbench-trialhost trial SPEC-JSON</c>: a trial process compiled ahead of time (NativeAOT). The runner starts it
/// instead of <c>workbench trial</c> for an allocator whose catalogue entry names it (cfa-aot), and it runs exactly
/// what <c>workbench trial</c> runs (<see cref="TrialProcess"/>): so the same trial of the same C# code runs JIT-compiled
/// in one row and AOT-compiled in the next.
/// </summary>
public static class Program
{
    private const string Name = "workbench-trialhost";

    /// <summary>0 when the trial ran, 1 when it failed, 2 on a command line that is not a trial.</summary>
    public static int Main(string[] args)
    {
        if (args.Length > 0 && args[0] == Workbench.Benchmarks.Workloads.SecurityProbeChild.Command)
        {
            // The security benchmark's probes of a cfa-aot trial run in this program too, so they are AOT-compiled.
            return Workbench.Benchmarks.Workloads.SecurityProbeChild.Main(args[1..], Console.Out, Console.Error);
        }
        if (args.Length != 2 || args[0] != TrialProcess.Command)
        {
            Console.Error.WriteLine($"{Name}: runs one trial for the workbench's runner ({Name} {TrialProcess.Command} SPEC-JSON): "
                + "to run a benchmark on it, type workbench run BENCHMARK -a cfa-aot");
            return 2;
        }
        try
        {
            return TrialProcess.Run(args[1], Name) ? 0 : 1;
        }
        catch (UsageException e)
        {
            Console.Error.WriteLine($"{Name}: {e.Message}");
            return 2;
        }
    }
}
