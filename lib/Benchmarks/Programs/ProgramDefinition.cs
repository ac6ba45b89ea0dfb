using System.Text.RegularExpressions;

namespace Workbench.Benchmarks.Programs;

/// <summary>
/// One real program of the <c>program</c> benchmark, read from <c>data/programs/NAME.yaml</c> (snake_case fields):
/// the command that runs it, the input it needs, how its output is checked and, when it prints one, where its own
/// throughput figure is. docs/benchmarks.md, "Real programs", describes every field.
/// </summary>
/// <remarks>
/// In the command, the standard input, the outputs and the server's lines, these words are replaced:
/// <c>{inputs}</c> the folder <c>data/programs/inputs</c>; <c>{cache}</c> this program's folder under
/// <c>artifacts/programs</c>, where <see cref="Prepare"/> writes once what every trial reads; <c>{work}</c> a fresh
/// folder of the trial; <c>{threads}</c> the trial's thread count; <c>{port}</c> a free TCP port on 127.0.0.1.
/// </remarks>
public sealed class ProgramDefinition
{
    /// <summary>Replaced by the trial's thread count.</summary>
    public const string ThreadsWord = "{threads}";

    /// <summary>The name (the file's name): <c>program:NAME</c> selects it.</summary>
    public string Name { get; set; } = "";

    /// <summary>One line: the program and what the run does.</summary>
    public string Description { get; set; } = "";

    /// <summary>The Debian packages the program and its input need, space-separated (set-up installs them).</summary>
    public string Packages { get; set; } = "";

    /// <summary>The command that is timed: an absolute path, then its arguments.</summary>
    public List<string> Command { get; set; } = [];

    /// <summary>A command run once per machine, not timed and on glibc, that writes the input into <c>{cache}</c>.</summary>
    public List<string> Prepare { get; set; } = [];

    /// <summary>A file the command reads on its standard input, or null.</summary>
    public string? Stdin { get; set; }

    /// <summary>Files the command writes whose bytes are checked with its standard output.</summary>
    public List<string> Outputs { get; set; } = [];

    /// <summary>
    /// How the output is checked: <c>same-as-glibc</c> (the default: standard output and <see cref="Outputs"/> byte for
    /// byte the same as the program's run on glibc's malloc) or <c>matches:REGEX</c> (standard output matches).
    /// </summary>
    public string Check { get; set; } = SameAsGlibc;

    /// <summary>The <see cref="Check"/> that compares with the glibc run.</summary>
    public const string SameAsGlibc = "same-as-glibc";

    /// <summary>A regular expression whose first group, in each of its matches on standard output, is the program's own throughput figure (the mean of the matches is recorded), or null.</summary>
    public string? Throughput { get; set; }

    /// <summary>The unit of <see cref="Throughput"/>.</summary>
    public string ThroughputUnit { get; set; } = "";

    /// <summary>A server the command talks to: the server runs on the allocator, the command (the client) on glibc.</summary>
    public ServerDefinition? Server { get; set; }

    /// <summary>Environment variables of the program (and server).</summary>
    public Dictionary<string, string> Environment { get; set; } = [];

    /// <summary>Whether the quick suite (<c>./run.sh</c>) runs it.</summary>
    public bool Quick { get; set; }

    /// <summary>Seconds after which a run is killed and fails.</summary>
    public double TimeoutSeconds { get; set; } = 300;

    /// <summary>Whether the command takes the trial's thread count (<c>{threads}</c>); a program that does not runs one configuration, at 1 thread.</summary>
    public bool UsesThreads => Command.Any(a => a.Contains(ThreadsWord, StringComparison.Ordinal))
        || (Server?.Command.Any(a => a.Contains(ThreadsWord, StringComparison.Ordinal)) ?? false);

    /// <summary>The regular expression of a <c>matches:</c> check, or null for <see cref="SameAsGlibc"/>.</summary>
    public Regex? OutputPattern => Check.StartsWith("matches:", StringComparison.Ordinal) ? new Regex(Check["matches:".Length..], RegexOptions.Multiline) : null;

    /// <summary>Checks the fields; returns the first problem in one line, or null.</summary>
    public string? Problem()
    {
        if (Command.Count == 0 || !Path.IsPathRooted(Command[0]))
        {
            return "command must start with the program's absolute path, e.g. command: [/usr/bin/python3, \"{inputs}/alloc.py\"]";
        }
        if (Check != SameAsGlibc && !Check.StartsWith("matches:", StringComparison.Ordinal))
        {
            return $"check '{Check}' is not one of: {SameAsGlibc}, matches:REGEX";
        }
        if (Server is not null && (Server.Command.Count == 0 || Server.Stop.Count == 0))
        {
            return "server needs command and stop, e.g. stop: [/usr/bin/redis-cli, -p, \"{port}\", shutdown, nosave]";
        }
        try
        {
            _ = OutputPattern;
            _ = Throughput is null ? null : new Regex(Throughput);
        }
        catch (ArgumentException e)
        {
            return $"bad regular expression: {e.Message}";
        }
        return TimeoutSeconds is >= 0.001 and <= 604_800 ? null : $"timeout_seconds {TimeoutSeconds} is out of range: write a number of seconds from 0.001 to 604800 (a week), e.g. timeout_seconds: 300";
    }
}

/// <summary>A server that a program's command (its client) talks to over loopback.</summary>
public sealed class ServerDefinition
{
    /// <summary>The server's command: an absolute path, then its arguments.</summary>
    public List<string> Command { get; set; } = [];

    /// <summary>A command that makes the server exit (the run waits for it, so that its usage is complete).</summary>
    public List<string> Stop { get; set; } = [];
}
