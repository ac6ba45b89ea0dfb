namespace Workbench.Cli;

/// <summary>The entry point of <c>workbench</c>.</summary>
public static class Program
{
    /// <summary>Runs the command line; the exit code is 0 on success, 2 on bad input, 1 on other failures.</summary>
    public static int Main(string[] args) => CliApp.Run(args, Console.Out, Console.Error);
}
