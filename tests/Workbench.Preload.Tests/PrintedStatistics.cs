using System.Globalization;
using System.Text.RegularExpressions;

namespace Workbench.Preload.Tests;

/// <summary>The statistics a preloaded process prints at exit (CFA_MALLOC_STATS=1), the numbers the tests read.</summary>
public sealed partial class PrintedStatistics
{
    private PrintedStatistics(string text) => Text = text;

    /// <summary>The printed text.</summary>
    public string Text { get; }

    /// <summary>Calls of a routine (malloc, calloc, free, ...).</summary>
    public long Calls(string routine) => Number($@"^\s+{routine}\s+calls\s+([\d,]+);");

    /// <summary>Calls glibc served instead (runtime start, thread attaches, threads on their way out).</summary>
    public long GlibcServed => Number(@"^glibc-served calls[^:]*: (\d+)");

    /// <summary>Collections of the hosted runtime's GC.</summary>
    public long Collections => Number(@"^hosted runtime: (\d+) collections");

    /// <summary>Managed bytes the hosted runtime allocated.</summary>
    public long ManagedBytes => Number(@"^hosted runtime: \d+ collections, (\d+) managed bytes");

    /// <summary>Threads that got a heap.</summary>
    public long ThreadsStarted => Number(@"threads\s+started ([\d,]+);");

    /// <summary>Threads whose heap went back to the pool.</summary>
    public long ThreadsExited => Number(@"threads\s+started [\d,]+; exited ([\d,]+)");

    /// <summary>Heaps made (not reused).</summary>
    public long HeapsNew => Number(@"heaps [\d,]+ \(new ([\d,]+);");

    /// <summary>mmap calls for large blocks.</summary>
    public long MmapCalls => Number(@"^\s+mmap\s+calls ([\d,]+);");

    /// <summary>The statistics in <paramref name="stderr"/>; fails the test when there are none.</summary>
    public static PrintedStatistics From(string stderr)
    {
        int start = stderr.IndexOf("cfa-malloc statistics", StringComparison.Ordinal);
        Assert.True(start >= 0, $"no statistics printed:\n{stderr}");
        return new PrintedStatistics(stderr[start..]);
    }

    /// <summary>
    /// The statistics printed last in <paramref name="stderr"/> (at exit, after any a program printed itself, such as
    /// heap_stats); fails the test when there are none.
    /// </summary>
    public static PrintedStatistics Last(string stderr)
    {
        int start = stderr.LastIndexOf("cfa-malloc statistics", StringComparison.Ordinal);
        Assert.True(start >= 0, $"no statistics printed:\n{stderr}");
        return new PrintedStatistics(stderr[start..]);
    }

    private long Number(string pattern)
    {
        Match m = Regex.Match(Text, pattern, RegexOptions.Multiline);
        Assert.True(m.Success, $"'{pattern}' not in the statistics:\n{Text}");
        return long.Parse(m.Groups[1].Value.Replace(",", "", StringComparison.Ordinal), CultureInfo.InvariantCulture);
    }
}
