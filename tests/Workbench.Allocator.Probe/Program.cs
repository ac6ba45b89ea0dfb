namespace Workbench.Allocator.Probe;

/// <summary>
/// Runs one scenario (see <see cref="ScenarioRegistry"/>) in a fresh process, so that start-up options (checked
/// mode, ownership, thresholds from the environment) can be tested. Prints machine-checkable KEY=VALUE lines and
/// ends with DONE=1; exits 0 when the scenario ran to its end, 2 for an unknown scenario or a wrong command line, 3
/// when the scenario threw. <c>--list</c> prints one SCENARIO=name line per registered scenario. The tests decide
/// what is right: the probe only reports what it saw.
/// </summary>
internal static class Program
{
    private const string ListArgument = "--list";

    private static int Main(string[] args)
    {
        if (args.Length != 1)
        {
            Console.Error.WriteLine($"usage: Workbench.Allocator.Probe <scenario> | {ListArgument}");
            return 2;
        }
        if (args[0] == ListArgument)
        {
            foreach (string name in ScenarioRegistry.Names)
                Report.Put("SCENARIO", name);
            Report.Put("DONE", "1");
            return 0;
        }
        if (!ScenarioRegistry.TryFind(args[0], out Action? scenario))
        {
            Console.Error.WriteLine($"unknown scenario '{args[0]}'");
            return 2;
        }
        try
        {
            scenario();
        }
        catch (Exception e)
        {
            Console.Out.Flush();
            Console.Error.WriteLine($"scenario threw: {e}");
            return 3;
        }
        Report.Put("DONE", "1");
        return 0;
    }
}
