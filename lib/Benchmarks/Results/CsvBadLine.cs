namespace Workbench.Benchmarks.Results;

/// <summary>A line of a CSV file that holds no readable record, and why; reading went on at the next line.</summary>
/// <param name="Line">Its number, counted from 1.</param>
/// <param name="Text">The line as it is in the file, without its line break.</param>
/// <param name="Reason">What is wrong with it, a few words (e.g. <c>an unmatched '"'</c>).</param>
public sealed record CsvBadLine(int Line, string Text, string Reason);
