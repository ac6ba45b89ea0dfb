using Spectre.Console;

namespace Workbench.Cli;

/// <summary>What every command writes to, and the command line it came from.</summary>
/// <param name="Console">Standard output, through Spectre.Console.</param>
/// <param name="Error">Standard error.</param>
/// <param name="Arguments">The command line's arguments.</param>
public sealed record CliContext(IAnsiConsole Console, TextWriter Error, IReadOnlyList<string> Arguments);
