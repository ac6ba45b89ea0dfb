using System.Globalization;
using Workbench.Benchmarks.Traces;

namespace Workbench.Benchmarks.Workloads;

/// <summary>
/// How large trace-replay's block table is, and whether this process can hold it. A replay of N events never has more
/// than N objects live, so the table has min(the trace's peak of live objects, max_events) slots (the 10-event
/// priming run needs 10). Each slot costs about <see cref="BytesPerSlot"/> bytes across the dispatcher's and the
/// replayer's tables; a table that would take more than half the memory this process may use is refused before it is
/// allocated, in one line, instead of ending in an OutOfMemoryException. (The summary's peak is already bounded by the
/// file's bytes, see <see cref="TraceSummaryBounds"/>; a genuine trace can still peak higher than a machine holds.)
/// </summary>
internal static class ReplayTables
{
    /// <summary>
    /// Bytes per slot: the replayer's block (24), aligned flag (1) and done counter (8), the dispatcher's sequence
    /// counter (8) and live-object dictionary entry (about 40), rounded up.
    /// </summary>
    public const long BytesPerSlot = 96;

    /// <summary>The slots for replaying at most <paramref name="maxEvents"/> events of a trace summarised by <paramref name="info"/>.</summary>
    /// <exception cref="InvalidOperationException">The table would take more than half of <paramref name="availableBytes"/>.</exception>
    public static int Slots(TraceInfo info, long maxEvents, string name, long availableBytes)
    {
        long slots = Math.Clamp(Math.Min(info.PeakLiveObjects, maxEvents), 1, Array.MaxLength - 64);
        long bytes = slots * BytesPerSlot;
        if (bytes > availableBytes / 2)
        {
            long fits = Math.Max(1, availableBytes / 2 / BytesPerSlot);
            throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture,
                $"trace '{name}' has {slots} objects live at its peak, and their replay tables would take about {bytes >> 20} MiB, more than half of the {availableBytes >> 20} MiB this process may use: replay its first events only (--set max_events={fits}) or on a machine with more memory"));
        }
        return (int)slots;
    }
}
