using System.CommandLine;
using Workbench.Benchmarks.Analysis;
using Workbench.Benchmarks.Model;
using Workbench.Benchmarks.Results;
using Workbench.Cli.Rendering;

namespace Workbench.Cli.Commands;

/// <summary><c>workbench report RUN</c>: the summary table of a run folder (or results file).</summary>
public static class ReportCommand
{
    /// <summary>The command.</summary>
    public static Command Create(CliContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        Argument<string> run = new("run") { Description = "run folder (data/runs/NAME) or a results.csv" };
        Option<string> baseline = new("--baseline") { Description = "allocator to compare with", DefaultValueFactory = _ => "glibc" };
        Option<bool> detailed = new("--detailed", "-d") { Description = "one line per allocator with intervals, the ratio's interval and p value (paired by repetition when the repetitions pair up, else Welch's)" };
        Option<bool> markdown = new("--markdown") { Description = "print the summary as a Markdown table (for docs/results.md)" };
        Option<string?> versusBest = new("--versus-best") { Description = "compare this allocator (e.g. cfa) with the best native peer of each configuration, the lowest median of the metric, as the performance targets are stated; with --markdown, as a Markdown table" };
        Option<bool> scaling = new("--scaling") { Description = "time per operation per thread at each thread count against 1 thread, per allocator (1 = perfect scaling; paired by repetition); with --markdown, as a Markdown table" };
        Option<string?> replays = new("--replays") { Description = "a run of the traced programs' replays (data/experiments/programs-replayed.yaml): how well each replay predicts the ranking of the live programs in RUN (data/experiments/programs.yaml); with --markdown, as a Markdown table" };
        Option<string> metric = new("--metric", "-m") { Description = "the column to summarise instead of ns per op, e.g. speed_malloc_free_ns, peak_rss_kib, malloc_p999_ns (lower is better)", DefaultValueFactory = _ => "ns_per_op" };
        Command command = new("report", "Print the summary table of a run: ns/op, intervals, ratios to a baseline, significance");
        command.Add(run);
        command.Add(baseline);
        command.Add(detailed);
        command.Add(markdown);
        command.Add(metric);
        command.Add(versusBest);
        command.Add(scaling);
        command.Add(replays);
        command.SetAction(parse =>
        {
            string path = parse.GetValue(run) ?? "";
            string file = RunFolders.ResultsFile(path);
            ResultsFile results = ResultsFile.Read(file);
            ReportProblems(context, results);
            string column = parse.GetValue(metric) ?? "ns_per_op";
            if (!results.Header.Contains(column))
            {
                string known = string.Join(", ", results.Header.Where(h => h.EndsWith("_ns", StringComparison.Ordinal) || h.EndsWith("_kib", StringComparison.Ordinal)).Take(12));
                throw new UsageException($"'{path}' has no column '{column}': use ns_per_op or a metric of the run, e.g. {known}");
            }
            if (HardwareMix.Of(results.Rows) is { Mixed: true } mix)
            {
                context.Console.Profile.Out.Writer.WriteLine(mix.Describe());
            }
            if (parse.GetValue(replays) is string replayRun)
            {
                ResultsFile replayed = ResultsFile.Read(RunFolders.ResultsFile(replayRun));
                ReportProblems(context, replayed);
                List<ReplayPredictionLine> lines = ReplayPrediction.Build(results.Rows, replayed.Rows, column);
                if (lines.Count == 0)
                {
                    throw new UsageException($"no traced program is in both '{path}' (program:traced-NAME) and '{replayRun}' (trace:.../NAME.trace) with glibc and two more allocators: run data/experiments/programs.yaml and programs-replayed.yaml");
                }
                if (parse.GetValue(markdown))
                {
                    context.Console.Profile.Out.Writer.Write(MarkdownRenderer.RenderReplayPrediction(lines));
                }
                else
                {
                    ReportRenderer.RenderReplayPrediction(context.Console, lines);
                }
                return ExitCodes.Ok;
            }
            if (parse.GetValue(scaling))
            {
                if (column != "ns_per_op" || parse.GetValue(versusBest) is not null)
                {
                    throw new UsageException("--scaling compares ns per operation per thread across thread counts: leave out --metric and --versus-best, e.g. workbench report RUN --scaling");
                }
                if (!results.Rows.Any(r => r.Threads == 1) || !results.Rows.Any(r => r.Threads > 1))
                {
                    throw new UsageException($"'{path}' needs trials at 1 thread and at more to show scaling: run them with --threads 1,2");
                }
                if (parse.GetValue(markdown))
                {
                    context.Console.Profile.Out.Writer.Write(MarkdownRenderer.RenderScaling(results.Rows));
                }
                else
                {
                    ReportRenderer.RenderScaling(context.Console, results.Rows);
                }
                return ExitCodes.Ok;
            }
            if (parse.GetValue(versusBest) is string subject)
            {
                if (!results.Rows.Any(r => r.Allocator == subject))
                {
                    string present = string.Join(",", results.Rows.Select(r => r.Allocator).Distinct());
                    throw new UsageException($"'{path}' has no results of allocator '{subject}': use one of {present}, e.g. --versus-best {results.Rows.Select(r => r.Allocator).FirstOrDefault() ?? "cfa"}");
                }
                if (parse.GetValue(markdown))
                {
                    context.Console.Profile.Out.Writer.Write(MarkdownRenderer.RenderBestPeer(results.Rows, subject, column));
                }
                else
                {
                    ReportRenderer.RenderBestPeer(context.Console, results.Rows, subject, column);
                }
                return ExitCodes.Ok;
            }
            if (parse.GetValue(markdown))
            {
                context.Console.Profile.Out.Writer.Write(MarkdownRenderer.Render(results.Rows, parse.GetValue(baseline) ?? "glibc", column));
                return ExitCodes.Ok;
            }
            ReportRenderer.Render(context.Console, results.Rows, parse.GetValue(baseline) ?? "glibc", parse.GetValue(detailed), column);
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>Names on standard error, one line each, the lines of a results file that were left out when it was read.</summary>
    internal static void ReportProblems(CliContext context, ResultsFile results)
    {
        foreach (string problem in results.Problems)
        {
            context.Error.WriteLine($"workbench: warning: {problem}");
        }
    }
}
