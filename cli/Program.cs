namespace Workbench.Cli;

/// <summary>The entry point of <c>workbench</c>.</summary>
public static class Program
{
    /// <summary>Runs the command line; the exit code is 0 on success, 2 on bad input, 1 on other failures.</summary>
    public static int Main(string[] args)
    {
        if (args.Length == 2 && args[0] == Workbench.Benchmarks.Runner.TrialProcess.Command)
        {
            // The runner's own call: skip the command tree (start-up time is part of every trial).
            try
            {
                return Commands.TrialCommand.Execute(args[1]);
            }
            catch (Workbench.Benchmarks.Model.UsageException e)
            {
                Console.Error.WriteLine($"workbench: {e.Message}");
                return ExitCodes.Usage;
            }
        }
        if (args.Length > 0 && args[0] == Workbench.Benchmarks.Workloads.SecurityProbeChild.Command)
        {
            // The security benchmark's child: one misuse of the heap in a process of its own (hidden, not in the tree).
            return Workbench.Benchmarks.Workloads.SecurityProbeChild.Main(args[1..], Console.Out, Console.Error);
        }
        return CliApp.Run(args, Console.Out, Console.Error);
    }
}
