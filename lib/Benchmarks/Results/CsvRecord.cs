namespace Workbench.Benchmarks.Results;

/// <summary>One record of a CSV file: its fields and the number (from 1) of the line it starts on.</summary>
/// <param name="Fields">The fields, unquoted.</param>
/// <param name="Line">The line the record starts on, counted from 1 (a quoted line break makes a record span lines).</param>
public sealed record CsvRecord(IReadOnlyList<string> Fields, int Line);
