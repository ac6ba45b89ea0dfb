using System.Globalization;

namespace Workbench.Benchmarks.Traces;

/// <summary>What importing a heaptrack recording read, wrote and skipped.</summary>
public sealed class HeaptrackImportReport
{
    /// <summary>The recorded command line (heaptrack's <c>X</c> line), or empty.</summary>
    public string Command { get; set; } = "";

    /// <summary>heaptrack's version as it writes it (<c>v</c> line, hex, e.g. 10400 for 1.4.0), or empty.</summary>
    public string HeaptrackVersion { get; set; } = "";

    /// <summary>Lines read.</summary>
    public long Lines { get; set; }

    /// <summary>Allocation lines (<c>+ SIZE TRACE PTR</c>), each written as a malloc.</summary>
    public long Allocations { get; set; }

    /// <summary>Free lines (<c>- PTR</c>) of a pointer the recording allocated, each written as a free.</summary>
    public long Frees { get; set; }

    /// <summary>
    /// Free lines of a pointer the recording never allocated (memory allocated before heaptrack started, e.g. by the
    /// dynamic loader): skipped.
    /// </summary>
    public long UnknownFrees { get; set; }

    /// <summary>
    /// Allocation lines of a pointer that was still live in the recording (its free was not seen): the old object is
    /// freed first, so the trace stays consistent.
    /// </summary>
    public long ImpliedFrees { get; set; }

    /// <summary><c>+</c> or <c>-</c> lines that could not be parsed (e.g. a last line cut off when the program was killed): skipped.</summary>
    public long MalformedLines { get; set; }

    /// <summary>The line number of the first malformed line, or 0.</summary>
    public long FirstMalformedLine { get; set; }

    /// <summary>Milliseconds the recorded program ran (its last <c>c</c> line).</summary>
    public long DurationMs { get; set; }

    /// <summary>The largest resident set size the recording sampled (<c>R</c> lines times the page size), in bytes.</summary>
    public long PeakRssBytes { get; set; }

    /// <summary>The summary of the trace written.</summary>
    public TraceInfo? Info { get; set; }

    /// <summary>The report as lines for people.</summary>
    public IEnumerable<string> Describe()
    {
        CultureInfo c = CultureInfo.InvariantCulture;
        if (Lines == 0)
        {
            yield return "the recording is empty: heaptrack saw no allocation (a program that never calls malloc, or one that heaptrack could not preload into, such as a static binary)";
            yield break;
        }
        yield return $"recorded: {(Command.Length > 0 ? Command : "(no command line in the recording)")}";
        yield return string.Create(c, $"read {Lines:N0} lines: {Allocations:N0} allocations, {Frees:N0} frees written; program ran {DurationMs:N0} ms, peak RSS {PeakRssBytes / 1024:N0} KiB");
        yield return UnknownFrees == 0
            ? "skipped: no free of an unknown pointer"
            : string.Create(c, $"skipped: {UnknownFrees:N0} frees of pointers allocated before recording began");
        if (ImpliedFrees > 0)
        {
            yield return string.Create(c, $"implied: {ImpliedFrees:N0} frees of pointers that were allocated again while still live (their free was not recorded)");
        }
        if (MalformedLines > 0)
        {
            yield return string.Create(c, $"skipped: {MalformedLines:N0} malformed lines (the first is line {FirstMalformedLine:N0})");
        }
    }
}
