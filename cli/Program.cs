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
        return CliApp.Run(args, Console.Out, Console.Error);
    }
}
