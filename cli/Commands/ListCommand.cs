using System.CommandLine;
using Spectre.Console;
using Workbench.Benchmarks.Allocators;
using Workbench.Benchmarks.Programs;
using Workbench.Benchmarks.Sizes;
using Workbench.Benchmarks.Workloads;

namespace Workbench.Cli.Commands;

/// <summary><c>workbench list</c>: every benchmark with its knobs and defaults, every allocator and whether it is installed.</summary>
public static class ListCommand
{
    /// <summary>The command.</summary>
    public static Command Create(CliContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        Command command = new("list", "List the benchmarks (with their knobs, defaults and quick values) and the allocators");
        command.SetAction(_ =>
        {
            IAnsiConsole console = context.Console;
            Table benchmarks = new Table().Title("benchmarks").AddColumns("name", "what it measures", "one op", "default sizes", "knobs: default (quick) [[min..max]]");
            foreach (Workload w in WorkloadCatalog.All)
            {
                string knobs = string.Join("\n", w.Knobs.Select(k => $"{k.Name} = {k.Default:N0} ({k.Quick:N0}) [{k.Min:N0}..{k.Max:N0}]: {k.Description}"));
                benchmarks.AddRow(Markup.Escape(w.Name), Markup.Escape(w.Description), Markup.Escape(w.Operation), Markup.Escape(w.DefaultSizes), Markup.Escape(knobs));
            }
            console.Write(benchmarks);
            Table allocators = new Table().Title("allocators").AddColumns("name", "what it is", "here");
            foreach (AllocatorInfo a in AllocatorCatalog.All.Where(a => !a.Hidden))
            {
                allocators.AddRow(Markup.Escape(a.Name), Markup.Escape(a.Description), Markup.Escape(a.Unavailable ?? "available"));
            }
            console.Write(allocators);
            Table programs = new Table().Title("programs (the program benchmark: --program NAME)").AddColumns("name", "what it runs", "here");
            foreach (ProgramDefinition p in ProgramCatalog.All)
            {
                string? missing = ProgramRunner.Obstacle(p, AllocatorCatalog.Find("glibc")!, 1);
                programs.AddRow(Markup.Escape(p.Name), Markup.Escape(p.Description), Markup.Escape(missing ?? "available"));
            }
            console.Write(programs);
            console.WriteLine($"size specs: {SizeSpecException.Forms}");
            return ExitCodes.Ok;
        });
        return command;
    }
}
