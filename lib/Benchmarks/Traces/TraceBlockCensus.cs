namespace Workbench.Benchmarks.Traces;

/// <summary>
/// What the headers of a trace's events blocks claim, counted without inflating them: how many blocks, and their
/// events, plain bytes and stored bytes. Invariants (each block header was checked before it was counted):
/// <c>Events &lt;= PlainBytes &lt;= TraceFormat.MaxDeflateRatio * StoredBytes + 64 * Blocks</c>, and the stored bytes
/// lie inside the file, so every count here is bounded by the file's length. The summary is checked against it
/// (<see cref="TraceSummaryBounds"/>) before anything is sized from the summary.
/// </summary>
/// <param name="Blocks">Events blocks.</param>
/// <param name="Events">The events their headers count.</param>
/// <param name="PlainBytes">Their plain (inflated) bytes, as their headers say.</param>
/// <param name="StoredBytes">Their stored (compressed) bytes.</param>
public readonly record struct TraceBlockCensus(long Blocks, long Events, long PlainBytes, long StoredBytes);
