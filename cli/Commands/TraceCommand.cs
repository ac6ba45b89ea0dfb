using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using Workbench.Benchmarks.Sizes;
using Workbench.Benchmarks.Traces;

namespace Workbench.Cli.Commands;

/// <summary>
/// <c>workbench trace</c>: <c>record -- PROGRAM ARGS</c> (heaptrack, then import), <c>import FILE.raw.zst -o FILE.trace</c>
/// <c>info FILE.trace</c> (the summary only) and <c>verify FILE.trace</c> (every block). Replay is the benchmark <c>trace-replay</c> (<c>workbench run trace-replay --trace FILE</c>).
/// </summary>
public static class TraceCommand
{
    /// <summary>The command with its subcommands.</summary>
    public static Command Create(CliContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        Command command = new("trace", "Record a program's allocations (heaptrack), import heaptrack recordings, describe traces (info) and check every block (verify); replay with workbench run trace-replay --trace FILE");
        command.Add(Record(context));
        command.Add(Import(context));
        command.Add(Info(context));
        command.Add(Verify(context));
        return command;
    }

    private static Command Record(CliContext context)
    {
        Argument<string[]> program = new("program") { Description = "the program and its arguments, after --", Arity = ArgumentArity.OneOrMore };
        Option<string?> output = new("--output", "-o") { Description = "the trace file to write (default: PROGRAM.trace in the current folder)" };
        Option<string?> keepRaw = new("--keep-raw") { Description = "also keep heaptrack's raw recording at this path (e.g. NAME.raw.zst)" };
        Command command = new("record", "Run a program under heaptrack and write its allocations as a trace, e.g. workbench trace record -- sqlite3 :memory: \"select 1\"");
        command.Add(program);
        command.Add(output);
        command.Add(keepRaw);
        command.SetAction(parse => Guard(context, () =>
        {
            string[] words = parse.GetValue(program) ?? [];
            string target = parse.GetValue(output) is { Length: > 0 } o ? o : Path.GetFileName(words[0]) + ".trace";
            HeaptrackRecording recording = HeaptrackRecorder.Record(words[0], words[1..], target, parse.GetValue(keepRaw), line => context.Console.WriteLine(line), context.Error.WriteLine);
            if (recording.ExitCode != 0)
            {
                context.Console.WriteLine($"note: {words[0]} exited with code {recording.ExitCode}; its allocations up to then are in the trace");
            }
            Describe(context, recording.Import, target);
            if (recording.RawFile is not null)
            {
                context.Console.WriteLine($"kept the raw recording at {recording.RawFile}");
            }
            context.Console.WriteLine($"replay it: workbench run trace-replay --trace {target} --allocators cfa,glibc,mimalloc");
        }));
        return command;
    }

    private static Command Import(CliContext context)
    {
        Argument<string> recording = new("recording") { Description = "heaptrack's raw recording (heaptrack --raw -o NAME PROGRAM ARGS writes NAME.raw.zst)" };
        Option<string?> output = new("--output", "-o") { Description = "the trace file to write (default: the recording's name with .trace)" };
        Command command = new("import", "Convert a heaptrack raw recording into a trace, e.g. workbench trace import NAME.raw.zst -o NAME.trace");
        command.Add(recording);
        command.Add(output);
        command.SetAction(parse => Guard(context, () =>
        {
            string source = parse.GetValue(recording) ?? "";
            string target = parse.GetValue(output) is { Length: > 0 } o ? o : DefaultTraceName(source);
            Describe(context, HeaptrackImporter.Import(source, target), target);
        }));
        return command;
    }

    private static Command Info(CliContext context)
    {
        Argument<string> file = new("trace") { Description = "a trace file (.trace)" };
        Command command = new("info", "Describe a trace: events, threads, peak live bytes and the size histogram, e.g. workbench trace info data/traces/sqlite3.trace");
        command.Add(file);
        command.SetAction(parse => Guard(context, () =>
        {
            string path = parse.GetValue(file) ?? "";
            string found = Find(path, "info");
            using TraceReader reader = TraceReader.Open(found);
            Summary(context, reader.Info, found);
            context.Console.WriteLine($"(from the summary only: workbench trace verify {path} reads and checks every block)");
        }));
        return command;
    }

    /// <summary>The trace file <paramref name="path"/> names, for <c>trace <paramref name="verb"/></c>; a missing one is a one-line error.</summary>
    private static string Find(string path, string verb) => TraceFiles.Resolve(path)
        ?? throw new FileNotFoundException($"no trace file '{path}': give the path of a .trace file, e.g. workbench trace {verb} data/traces/sqlite3.trace");

    private static Command Verify(CliContext context)
    {
        Argument<string> file = new("trace") { Description = "a trace file (.trace)" };
        Command command = new("verify", "Read every block and event of a trace and check them against its summary; exits 2 naming the first bad block's offset, e.g. workbench trace verify data/traces/sqlite3.trace");
        command.Add(file);
        command.SetAction(parse => Guard(context, () =>
        {
            string found = Find(parse.GetValue(file) ?? "", "verify");
            TraceInfo info = TraceVerifier.Verify(found);
            context.Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"trace {found}: ok, {info.Events:N0} events in every block checked against the summary"));
        }));
        return command;
    }

    private static void Describe(CliContext context, HeaptrackImportReport report, string target)
    {
        foreach (string line in report.Describe())
        {
            context.Console.WriteLine(line);
        }
        using TraceReader reader = TraceReader.Open(target);
        Summary(context, reader.Info, target);
    }

    private static void Summary(CliContext context, TraceInfo info, string path)
    {
        CultureInfo c = CultureInfo.InvariantCulture;
        IAnsiConsole console = context.Console;
        long bytes = new FileInfo(path).Length;
        console.WriteLine(string.Create(c, $"trace {path} ({bytes:N0} bytes): {info.Source}"));
        Table table = new Table().AddColumns("", "").HideHeaders();
        void Row(string name, string value) => table.AddRow(Markup.Escape(name), Markup.Escape(value));
        Row("events", string.Create(c, $"{info.Events:N0} on {info.Threads} thread{(info.Threads == 1 ? "" : "s")} ({string.Join(", ", info.EventsPerThread.Select(e => e.ToString("N0", c)))})"));
        Row("allocations", string.Create(c, $"{info.Allocations:N0} (of which calloc {info.Callocs:N0}, aligned {info.AlignedAllocations:N0})"));
        Row("reallocs", string.Create(c, $"{info.Reallocs:N0}"));
        Row("frees", string.Create(c, $"{info.Frees:N0}"));
        Row("peak live", string.Create(c, $"{info.PeakLiveBytes:N0} bytes ({info.PeakLiveBytes / 1024.0:N1} KiB); {info.PeakLiveObjects:N0} objects at most"));
        Row("requested in all", string.Create(c, $"{info.TotalRequestedBytes:N0} bytes"));
        Row("never freed", string.Create(c, $"{info.LiveObjectsAtEnd:N0} objects, {info.LiveBytesAtEnd:N0} bytes"));
        console.Write(table);
        if (info.Sizes.Count == 0)
        {
            return;
        }
        long requests = Math.Max(1, info.Sizes.Sum(s => s.Value));
        Table histogram = new Table().Title("requested sizes").AddColumns("bytes", "requests", "share", "");
        foreach ((long from, long to, long count) in info.SizeHistogram())
        {
            double share = count / (double)requests;
            histogram.AddRow(
                from == to ? from.ToString(c) : string.Create(c, $"{from}-{to}"),
                count.ToString("N0", c),
                share.ToString("P1", c),
                new string('#', (int)Math.Round(share * 40)));
        }
        console.Write(histogram);
    }

    private static string DefaultTraceName(string recording)
    {
        string name = recording;
        foreach (string suffix in new[] { ".zst", ".gz", ".raw" })
        {
            if (name.EndsWith(suffix, StringComparison.Ordinal))
            {
                name = name[..^suffix.Length];
            }
        }
        return name + ".trace";
    }

    /// <summary>Runs an action; bad input or a missing tool becomes one line on standard error and a usage exit code.</summary>
    private static int Guard(CliContext context, Action action)
    {
        try
        {
            action();
            return ExitCodes.Ok;
        }
        catch (Exception e) when (e is TraceToolException or TraceFormatException or FileNotFoundException or DirectoryNotFoundException or SizeSpecException or InvalidDataException)
        {
            context.Error.WriteLine($"workbench: {e.Message}");
            return ExitCodes.Usage;
        }
    }
}
