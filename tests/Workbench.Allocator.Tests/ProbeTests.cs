using System.Globalization;
using System.Text.RegularExpressions;

namespace Workbench.Allocator.Tests;

/// <summary>
/// Tests that need a fresh process (checked mode, no ownership, start-up options): each starts
/// the probe with an environment and checks what it printed.
/// </summary>
public partial class ProbeTests
{
    private static readonly (string, string) s_checked = ("CFA_MALLOC_CHECKED", "1");

    /// <summary>The probe's environment for a mode of the realloc theories: default, checked or no-ownership.</summary>
    private static (string, string)[] EnvironmentOf(string mode) => mode switch
    {
        "checked" => [s_checked],
        "no-ownership" => [("CFA_MALLOC_OWNERSHIP", "0")],
        _ => [],
    };

    [GeneratedRegex("0x[0-9a-fA-F]+")]
    private static partial Regex HexRegex();

    private static ulong ParseHex(string text) => ulong.Parse(text.AsSpan(2), NumberStyles.HexNumber, CultureInfo.InvariantCulture);

    /// <summary>Checks that TAG reported a HeapCorruptionException for <paramref name="problem"/> at <paramref name="address"/>.</summary>
    private static void AssertReported(ProbeResult r, string tag, HeapProblem problem, string addressKey)
    {
        ulong expected = ParseHex(r.Get(addressKey));
        r.AssertEqual(tag + ".EXCEPTION", nameof(HeapCorruptionException));
        r.AssertEqual(tag + ".PROBLEM", problem.ToString());
        Assert.True(ParseHex(r.Get(tag + ".ADDRESS")) == expected, $"{tag}: Address {r.Get(tag + ".ADDRESS")}, expected {r.Get(addressKey)}\n{r.Describe()}");
        string message = r.Get(tag + ".MESSAGE");
        Assert.True(HexRegex().Matches(message).Any(m => ParseHex(m.Value) == expected),
            $"{tag}: the message does not name the address {r.Get(addressKey)} in hex: \"{message}\"");
        string lower = message.ToLowerInvariant();
        string letters = new string(lower.Where(char.IsLetter).ToArray());
        Assert.True(letters.Contains(problem.ToString().ToLowerInvariant(), StringComparison.Ordinal) || s_problemWords[problem].Any(w => lower.Contains(w, StringComparison.Ordinal)),
            $"{tag}: the message does not name the problem {problem}: \"{message}\"");
    }

    /// <summary>Words that name each problem in a message, besides the enum name itself.</summary>
    private static readonly Dictionary<HeapProblem, string[]> s_problemWords = new()
    {
        [HeapProblem.DoubleFree] = ["double free", "double-free", "freed twice", "already freed", "already free"],
        [HeapProblem.UnknownPointer] = ["unknown pointer", "never returned", "not returned by", "not allocated by", "unknown block", "not a block"],
        [HeapProblem.HeaderOverwritten] = ["header overwritten", "header was overwritten", "overwritten header", "header corrupt", "corrupt header", "header damaged", "damaged header"],
        [HeapProblem.Overrun] = ["overrun", "write past", "written past", "beyond the request", "past the request", "past the end"],
        [HeapProblem.FreedBlock] = ["of a block that was freed", "freed block", "freed already"],
        [HeapProblem.WriteAfterFree] = ["write after free", "written after free", "use after free", "changed after it was freed", "after it was freed"],
    };

    // ---- checked mode ----

    [Fact]
    public void CheckedMode_IsOnWithTheEnvironmentVariable_AndOffWithoutIt()
    {
        var on = Probe.Run("info", s_checked);
        on.AssertRan();
        on.AssertEqual("IS_CHECKED", "True");
        var off = Probe.Run("info");
        off.AssertRan();
        off.AssertEqual("IS_CHECKED", "False");
        off.AssertEqual("HAS_OWNERSHIP", "True");
        off.AssertEqual("MMAP_THRESHOLD", "524288");
    }

    [Theory]
    [InlineData("default")]
    [InlineData("checked")]
    [InlineData("no-ownership")]
    public void DoubleFree_IsReportedAtTheAddress_InEveryMode(string mode)
    {
        var r = Probe.Run("double-free", EnvironmentOf(mode));
        r.AssertRan();
        r.AssertEqual("IS_CHECKED", mode == "checked" ? "True" : "False");
        AssertReported(r, "FREE", HeapProblem.DoubleFree, "EXPECT");
        AssertReported(r, "REALLOC", HeapProblem.FreedBlock, "EXPECT");
        r.AssertEqual("AFTER_DISTINCT", "True");
        AssertReported(r, "BIG_FREE", HeapProblem.DoubleFree, "BIG");
        AssertReported(r, "OTHER_FREE", HeapProblem.DoubleFree, "OTHER");
        r.AssertEqual("BUFFER_DISPOSE_TWICE.EXCEPTION", "none");
        r.AssertEqual("ALIGNED_FIRST_FREE.EXCEPTION", "none");
        AssertReported(r, "ALIGNED_FREE", HeapProblem.DoubleFree, "ALIGNED");
        r.AssertEqual("REALLOC0_RESULT", "0x0");
        AssertReported(r, "REALLOC0_FREE", HeapProblem.DoubleFree, "REALLOC0");
        r.AssertEqual("AFTER", "ok");
    }

    [Theory]
    [InlineData("default")]
    [InlineData("checked")]
    [InlineData("no-ownership")]
    public void UnknownPointers_AreReportedAtTheAddress_AndChangeNothing_InEveryMode(string mode)
    {
        var r = Probe.Run("unknown-pointer", EnvironmentOf(mode));
        r.AssertRan();
        AssertReported(r, "INTERIOR", HeapProblem.UnknownPointer, "INTERIOR");
        AssertReported(r, "FOREIGN", HeapProblem.UnknownPointer, "FOREIGN");
        AssertReported(r, "FOREIGN_REALLOC", HeapProblem.UnknownPointer, "FOREIGN");
        r.AssertEqual("REMOTE_FREE.EXCEPTION", "none");
        AssertReported(r, "FORGED_REMOTE", HeapProblem.UnknownPointer, "FORGED_REMOTE");
        r.AssertEqual("COPIED_FREE.EXCEPTION", "none");
        AssertReported(r, "STACK", HeapProblem.UnknownPointer, "STACK");
        AssertReported(r, "MISALIGNED", HeapProblem.UnknownPointer, "MISALIGNED");
        AssertReported(r, "MISALIGNED_REALLOC", HeapProblem.UnknownPointer, "MISALIGNED");
        r.AssertEqual("BLOCK_INTACT", "True");
        r.AssertEqual("BLOCK_FREE.EXCEPTION", "none");
        if (mode == "checked")
            AssertReported(r, "WILD", HeapProblem.UnknownPointer, "WILD");
        r.AssertEqual("AFTER", "ok");
    }

    [Theory]
    [InlineData("default")]
    [InlineData("checked")]
    [InlineData("no-ownership")]
    public void DoubleFreesAmongLiveBlocks_AreAllReported_AndNoLiveBlockIsTouched(string mode)
    {
        var r = Probe.Run("double-free-random", EnvironmentOf(mode));
        r.AssertRan();
        // Every second free, on this thread or another, first freed here or there, is reported at its address.
        r.AssertEqual("MISSED", "none");
        r.AssertEqual("DETECTED", r.Get("ROUNDS"));
        r.AssertEqual("CORRUPT", "0");
        r.AssertEqual("DISTINCT", "True");
        r.AssertEqual("AFTER", "ok");
    }

    [Theory]
    [InlineData("default")]
    [InlineData("checked")]
    [InlineData("no-ownership")]
    public void AnOverwrittenFreeListLink_NeverHandsOutALiveBlock(string mode)
    {
        var r = Probe.Run("free-list-link", EnvironmentOf(mode));
        r.AssertRan();
        r.AssertEqual("LINK_INSIDE_LIVE", "False");
        r.AssertEqual("LINK_LIVE_INTACT", "True");
        if (mode == "checked")
        {
            // Checked mode checks the link as the block is taken: the first malloc names the freed block.
            AssertReported(r, "LINK_FIRST", HeapProblem.HeaderOverwritten, "LINK_FREED");
        }
        else
        {
            // The default mode hands out the block (its freed mark is intact), and stops at the forged link, whose
            // target carries no freed mark.
            r.AssertEqual("LINK_FIRST.EXCEPTION", "none");
            r.AssertEqual("LINK_FIRST_RESULT", r.Get("LINK_FREED"));
            AssertReported(r, "LINK_SECOND", HeapProblem.HeaderOverwritten, "LINK_FORGED");
        }
        r.AssertEqual("AFTER", "ok");
    }

    [Fact]
    public void CheckedMode_NamesAnOverrunOfAnExactSizeBlock_IntoAFreeOrALiveNeighbour()
    {
        var r = Probe.Run("free-list-link", s_checked);
        r.AssertRan();
        Assert.True(r.Get("OVERRUN_BEFORE") != "0x0", "no two neighbouring blocks among 16\n" + r.Describe());
        ulong before = ParseHex(r.Get("OVERRUN_BEFORE"));
        // The free neighbour: taking it names the overrun and the block before it, and hands out nothing.
        r.AssertEqual("OVERRUN_MALLOC.EXCEPTION", nameof(HeapCorruptionException));
        r.AssertEqual("OVERRUN_MALLOC.PROBLEM", nameof(HeapProblem.HeaderOverwritten));
        r.AssertEqual("OVERRUN_MALLOC_RESULT", "0x0");
        AssertNamesOverrunOf(r.Get("OVERRUN_MALLOC.MESSAGE"), before);
        // The live neighbour: its free names the overwritten field and the exact-size block before it.
        AssertReported(r, "LIVE_OVERRUN_FREE", HeapProblem.HeaderOverwritten, "LIVE_OVERRUN_BLOCK");
        AssertNamesOverrunOf(r.Get("LIVE_OVERRUN_FREE.MESSAGE"), ParseHex(r.Get("LIVE_OVERRUN_BEFORE")));
    }

    private static void AssertNamesOverrunOf(string message, ulong before)
    {
        Assert.Contains("overrun", message, StringComparison.Ordinal);
        Assert.True(HexRegex().Matches(message).Any(m => ParseHex(m.Value) == before), $"the message does not name the block before, 0x{before:x}: \"{message}\"");
    }

    [Theory]
    [InlineData("default")]
    [InlineData("checked")]
    [InlineData("no-ownership")]
    public void Realloc_Past2And4GiB_KeepsTheBytes_AndFrees(string mode)
    {
        var r = Probe.Run("realloc-huge", EnvironmentOf(mode));
        r.AssertRan();
        r.AssertEqual("GROW_2G.EXCEPTION", "none");
        r.AssertEqual("GROW_2G_KEPT", "True");
        r.AssertEqual("GROW_4G.EXCEPTION", "none");
        r.AssertEqual("GROW_4G_KEPT", "True");
        r.AssertEqual("GROW_TOO_FAR.EXCEPTION", "none");
        r.AssertEqual("GROW_TOO_FAR_RESULT", "0x0");
        r.AssertEqual("GROW_TOO_FAR_ERRNO", CfaMalloc.ENOMEM.ToString(CultureInfo.InvariantCulture));
        r.AssertEqual("GROW_TOO_FAR_KEPT", "True");
        r.AssertEqual("FREE.EXCEPTION", "none");
        r.AssertEqual("AFTER", "ok");
    }

    [Theory]
    [InlineData("default")]
    [InlineData("no-ownership")]
    public void MallocTrim_ReachesBlocksFreedByOtherThreads_AndBlocksUnderTwoPages(string mode)
    {
        var r = Probe.Run("trim-remote", EnvironmentOf(mode));
        r.AssertRan();
        Assert.True(r.GetLong("LARGE_RESIDENT_BEFORE") == r.GetLong("LARGE_PAGES") && r.GetLong("SMALL_RESIDENT_BEFORE") == r.GetLong("SMALL_PAGES"), r.Describe());
        Assert.True(r.GetLong("SMALL_PAGES") >= 16, r.Describe()); // the blocks that start early enough in a page hold one
        r.AssertEqual("TRIM", "1");
        r.AssertEqual("LARGE_RESIDENT_AFTER", "0");
        r.AssertEqual("SMALL_RESIDENT_AFTER", "0");
        r.AssertEqual("REUSE_OK", "True");
        Assert.True(r.GetLong("LIVE_PAGES") >= 16 * 15 && r.GetLong("LIVE_RESIDENT_BEFORE") == r.GetLong("LIVE_PAGES"), r.Describe());
        r.AssertEqual("LIVE_RESIDENT_AFTER", "0");
    }

    [Fact]
    public void CheckedMode_ReportsAnOverwrittenHeader_AndChangesNothing()
    {
        var r = Probe.Run("header-overwrite", s_checked);
        r.AssertRan();
        AssertReported(r, "FREE", HeapProblem.HeaderOverwritten, "EXPECT");
        AssertReported(r, "REALLOC", HeapProblem.HeaderOverwritten, "EXPECT");
        r.AssertEqual("RESTORED_FREE.EXCEPTION", "none");
    }

    [Fact]
    public void CheckedMode_ReportsAWritePastTheRequestSize_AndChangesNothing()
    {
        var r = Probe.Run("overrun", s_checked);
        r.AssertRan();
        Assert.True(r.GetLong("USABLE") > 100, r.Describe());
        AssertReported(r, "REALLOC", HeapProblem.Overrun, "EXPECT");
        AssertReported(r, "FREE", HeapProblem.Overrun, "EXPECT");
        r.AssertEqual("INTACT", "True");
        r.AssertEqual("RESTORED_FREE.EXCEPTION", "none");
    }

    [Fact]
    public void CheckedMode_ReportsAWriteAfterFree()
    {
        var r = Probe.Run("write-after-free", s_checked);
        r.AssertRan();
        Assert.True(r.Get("WHERE") != "none", "a write into a freed block was never reported\n" + r.Describe());
        string tag = r.Get("WHERE") == "malloc" ? "MALLOC" : "FREE";
        AssertReported(r, tag, HeapProblem.WriteAfterFree, "EXPECT");
    }

    [Fact]
    public void CheckedMode_ScrubsNewAndFreedStorage()
    {
        var r = Probe.Run("scrub", s_checked);
        r.AssertRan();
        r.AssertEqual("ALLOC_FILL", "165");
        r.AssertEqual("FREE_FILL", "223");
        var notChecks = new HashSet<string> { "IS_CHECKED", "ALLOC_FILL", "FREE_FILL", "RESIZE_MOVED", "DONE" };
        var bad = r.Lines.Where(l => !notChecks.Contains(l.Key) && l.Value != "ok").Select(l => $"{l.Key}={l.Value}").ToList();
        Assert.True(bad.Count == 0, "scrub patterns not seen:\n" + string.Join("\n", bad) + "\n" + r.Describe());
        Assert.Contains(r.Lines, l => l.Key == "FREED.100");
        Assert.Contains(r.Lines, l => l.Key == "MALLOC.700000");
        r.AssertEqual("RESIZE_MOVED", "True");
    }

    [Fact]
    public void CheckedMode_UnfreedListsExactlyTheLiveBlocks()
    {
        var r = Probe.Run("unfreed-report", s_checked);
        r.AssertRan();
        r.AssertEqual("MOVED", "True");
        var expected = r.Get("EXPECTED").Split(',', StringSplitOptions.RemoveEmptyEntries)
            .Select(x => x.Split(':')).ToDictionary(x => ParseHex(x[0]), x => ulong.Parse(x[1], CultureInfo.InvariantCulture));
        var listed = r.Get("LISTED").Split(',', StringSplitOptions.RemoveEmptyEntries)
            .Select(x => x.Split(':')).Select(x => (Address: ParseHex(x[0]), Size: ulong.Parse(x[1], CultureInfo.InvariantCulture))).ToList();
        Assert.True(listed.Select(x => x.Address).OrderBy(x => x).SequenceEqual(expected.Keys.OrderBy(x => x)),
            $"Unfreed listed {r.Get("LISTED")}, the live blocks are {r.Get("EXPECTED")}");
        foreach (var (address, size) in listed)
            Assert.True(size >= expected[address], $"Unfreed gives block 0x{address:x} size {size}, its request was {expected[address]}");
        Assert.Equal(0, r.GetLong("AFTER_EXTRA"));
        // The report names the bytes left (less what MallocUnfreed allows) and the first block; allowed, it is silent.
        r.AssertEqual("REPORTED", "True");
        string report = r.Get("REPORT");
        Assert.Contains($"warning: {r.Get("REPORT_BYTES_EXPECTED")} bytes in ", report, StringComparison.Ordinal);
        Assert.Contains("allocated and not freed", report, StringComparison.Ordinal);
        r.AssertEqual("ALLOWED_REPORTED", "False");
    }

    [Fact]
    public void MallocStatsClear_CountsFromTheClear_PerProcessAndPerHeap_AndKeepsBytesInUse()
    {
        var r = Probe.Run("statistics-clear");
        r.AssertRan();
        r.AssertEqual("IN_USE_KEPT", "True");
        // This thread: 300 callocs since the clear, and none of the 1,000 mallocs before it.
        r.AssertEqual("MINE_MALLOC", "0");
        r.AssertEqual("MINE_CALLOC", "300");
        r.AssertEqual("MINE_HEAPS", "1");
        // The other thread's heap counts its own calls only.
        r.AssertEqual("OTHER_MALLOC", "200");
        r.AssertEqual("OTHER_FREE", "50");
        r.AssertEqual("OTHER_CALLOC", "0");
        // The process: both threads since the clear (and what the runtime did meanwhile, which is not through cfa-malloc).
        r.AssertEqual("PROCESS_MALLOC", "200");
        r.AssertEqual("PROCESS_CALLOC", "300");
        r.AssertEqual("PROCESS_FREE", "50");
        // Freeing the 1,300 blocks of this thread takes at least their 64- and 100-byte requests out of use.
        Assert.True(r.GetLong("IN_USE_FELL_BY") >= 1000 * 64 + 300 * 100, r.Describe());
    }

    [Fact]
    public void UncheckedMode_UnfreedThrowsInvalidOperation()
    {
        var r = Probe.Run("unfreed-unchecked", ("CFA_MALLOC_CHECKED", "0"));
        r.AssertRan();
        r.AssertEqual("IS_CHECKED", "False");
        r.AssertEqual("UNFREED.EXCEPTION", nameof(InvalidOperationException));
        if (!CfaMalloc.IsChecked)
            Assert.Throws<InvalidOperationException>(() => CfaMalloc.Unfreed());
    }

    [Fact]
    public void CheckedFillConstants_AreTheDocumentedBytes()
    {
        Assert.Equal(0xA5, (int)CfaMalloc.CheckedAllocFill);
        Assert.Equal(0xDF, (int)CfaMalloc.CheckedFreeFill);
    }

    // ---- start-up options ----

    [Fact]
    public void Configure_BeforeTheFirstAllocation_TurnsCheckedModeOn()
    {
        var r = Probe.Run("configure-checked");
        r.AssertRan();
        r.AssertEqual("IS_CHECKED", "True");
        r.AssertEqual("HAS_OWNERSHIP", "True");
        r.AssertEqual("MALLOC_SCRUB", "ok");
        r.AssertEqual("DOUBLE_FREE.EXCEPTION", nameof(HeapCorruptionException));
        r.AssertEqual("DOUBLE_FREE.PROBLEM", nameof(HeapProblem.DoubleFree));
        r.AssertEqual("CONFIGURE_AGAIN.EXCEPTION", nameof(InvalidOperationException));
    }

    [Fact]
    public void Configure_SetsOwnershipAndMmapThreshold()
    {
        var r = Probe.Run("configure-options");
        r.AssertRan();
        r.AssertEqual("IS_CHECKED", "False");
        r.AssertEqual("HAS_OWNERSHIP", "False");
        r.AssertEqual("MMAP_THRESHOLD", "131072");
        r.AssertEqual("MMAP_DELTA", "1");
        r.AssertEqual("CONFIGURE_AGAIN.EXCEPTION", nameof(InvalidOperationException));
    }

    [Fact]
    public void MmapThreshold_IsReadFromTheEnvironment()
    {
        var r = Probe.Run("env-threshold", ("CFA_MALLOC_MMAP_THRESHOLD", "200000"));
        r.AssertRan();
        r.AssertEqual("MMAP_THRESHOLD", "200000");
        r.AssertEqual("BELOW_MMAP_DELTA", "0");
        r.AssertEqual("AT_MMAP_DELTA", "1");
    }

    [Fact]
    public void Extension_IsReadFromTheEnvironment_SmallerExtensionsMeanMoreOfThem()
    {
        var small = Probe.Run("extension", ("CFA_MALLOC_EXTENSION", "1048576"));
        small.AssertRan();
        var normal = Probe.Run("extension");
        normal.AssertRan();
        small.AssertEqual("INTACT", "True");
        normal.AssertEqual("INTACT", "True");
        long smallCalls = small.GetLong("EXTEND_CALLS"), normalCalls = normal.GetLong("EXTEND_CALLS");
        Assert.True(smallCalls > normalCalls, $"1 MiB extensions: {smallCalls} extend calls; 10 MiB: {normalCalls}");
        Assert.True(small.GetLong("EXTEND_BYTES") >= 8L << 20, $"24 MiB of blocks grew the shared area by {small.GetLong("EXTEND_BYTES")} bytes");
    }

    [Fact]
    public void Precompile_LeavesNothingOfTheAllocatorToCompile()
    {
        var cold = Probe.Run("precompile-off");
        cold.AssertRan();
        var warm = Probe.Run("precompile-on");
        warm.AssertRan();
        // Without Precompile the first calls compile the slow paths; with it, none of them does.
        Assert.True(cold.GetLong("COMPILED") > 5, $"without Precompile the allocator's paths compiled {cold.GetLong("COMPILED")} methods\n{cold.Describe()}");
        Assert.True(warm.GetLong("COMPILED") == 0, $"after Precompile {warm.GetLong("COMPILED")} methods were still compiled\n{warm.Describe()}");
    }

    [Fact]
    public void Prefault_MakesTheBumpAreaAheadResident_AndTrimGivesItBack()
    {
        var on = Probe.Run("prefault");
        on.AssertRan();
        on.AssertEqual("INTACT", "True");
        if (on.Get("POPULATE_SUPPORTED") != "True")
        {
            // A kernel before 5.14: prefaulting turns itself off and pages fault on first touch.
            on.AssertEqual("PREFAULT_BYTES", "0");
            return;
        }
        // The default 64 KiB: the 15 pages after the first block's page are resident before anything touches them.
        on.AssertEqual("RESIDENT_AHEAD", "15");
        Assert.True(on.GetLong("PREFAULT_BYTES") >= 64 * 1024, $"prefaulted {on.GetLong("PREFAULT_BYTES")} bytes\n{on.Describe()}");
        Assert.True(on.GetLong("PREFAULT_CALLS") >= 1, on.Describe());
        // MallocTrim gives back the prefaulted pages no block uses, and carving past them prefaults again.
        on.AssertEqual("RESIDENT_AFTER_TRIM", "0");
        Assert.True(on.GetLong("TRIM_BYTES") >= 15 * 4096, $"trim gave back {on.GetLong("TRIM_BYTES")} bytes\n{on.Describe()}");
        Assert.True(on.GetLong("PREFAULT_CALLS_LATER") >= 2, $"190 KiB of blocks prefaulted {on.GetLong("PREFAULT_CALLS_LATER")} times\n{on.Describe()}");
        // A new 1 MiB mapping is resident whole; a calloc'd one (already zero) and an 8 MiB one are left to fault.
        on.AssertEqual("RESIDENT_MAPPED", "255");
        on.AssertEqual("RESIDENT_CALLOC", "0");
        on.AssertEqual("RESIDENT_HUGE", "0");
        on.AssertEqual("CALLOC_ZERO", "True");

        var off = Probe.Run("prefault", ("CFA_MALLOC_PREFAULT", "0"));
        off.AssertRan();
        off.AssertEqual("INTACT", "True");
        off.AssertEqual("RESIDENT_AHEAD", "0");
        off.AssertEqual("PREFAULT_BYTES", "0");
        off.AssertEqual("PREFAULT_CALLS_LATER", "0");
        off.AssertEqual("RESIDENT_MAPPED", "0");
    }

    [Theory]
    [InlineData("default")]
    [InlineData("checked")]
    [InlineData("no-ownership")]
    public void Realloc_OfTheLastCarvedBlock_GrowsAndShrinksInPlace_OnlyWhenTheNewBucketHasNothingFree(string mode)
    {
        var r = Probe.Run("realloc-last-carved", EnvironmentOf(mode));
        r.AssertRan();
        // Growing the last block carved keeps its address, its bytes and its new size; shrinking it gives the tail
        // back, and the next block is carved right after the new end, without touching the shrunk block's bytes.
        r.AssertEqual("GROW_IN_PLACE", "True");
        r.AssertEqual("GROW_PATTERN", "-1");
        r.AssertEqual("GROW_SIZE", "20000");
        r.AssertEqual("GROW_USABLE", Support.BucketFor(20_000).ToString(CultureInfo.InvariantCulture));
        r.AssertEqual("SHRINK_IN_PLACE", "True");
        r.AssertEqual("SHRINK_PATTERN", "-1");
        r.AssertEqual("SHRINK_USABLE", Support.BucketFor(3000).ToString(CultureInfo.InvariantCulture));
        r.AssertEqual("NEXT_AFTER_SHRUNK", "True");
        r.AssertEqual("SHRUNK_PATTERN_AFTER_NEXT", "-1");
        // A zero-filled block grown in place over bytes an earlier block dirtied reads zero past its old size.
        r.AssertEqual("CALLOC_ON_DIRTY", "True");
        r.AssertEqual("ZERO_GROW_IN_PLACE", "True");
        r.AssertEqual("ZERO_GROW_HEAD", "-1");
        r.AssertEqual("ZERO_GROW_TAIL", "-1");
        r.AssertEqual("ZERO_GROW_STICKY", "True");
        // An aligned block keeps its data address and its alignment.
        r.AssertEqual("ALIGNED_IN_PLACE", "True");
        r.AssertEqual("ALIGNED_ALIGNMENT", "256");
        r.AssertEqual("ALIGNED_PATTERN", "-1");
        r.AssertEqual("ALIGNED_USABLE_OK", "True");
        // A free block of the new bucket is used first, and the block left behind goes back to the bump area.
        r.AssertEqual("MOVED_TO_FREE_BLOCK", "True");
        r.AssertEqual("MOVED_PATTERN", "-1");
        r.AssertEqual("GIVEN_BACK_REUSED", "True");
        r.AssertEqual("RESIZE_IN_PLACE", "True");
        r.AssertEqual("RESIZE_ZERO_FILL", "False");
        r.AssertEqual("RESIZE_USABLE_OK", "True");
        // A buffer rebuilt each round (malloc n, realloc to 2n, 3n, 4n, free) grows in place every round: the refill
        // takes back the freed block, the last carved. Checked mode keeps freed blocks scrubbed and does not.
        r.AssertEqual("REBUILD_ROUNDS_IN_PLACE", mode == "checked" ? "1" : "1000");
        r.AssertEqual("REBUILD_ADDRESSES", "1");
        // malloc, realloc, free in a loop reuses one block: nothing piles up on a free list.
        r.AssertEqual("GROW_LOOP_ADDRESSES", "1");
        r.AssertEqual("SHRINK_LOOP_ADDRESSES", "1");
        r.AssertEqual("GROW_LOOP_LARGE_ADDRESSES", "1");
        r.AssertEqual("SHRINK_LOOP_LARGE_ADDRESSES", "1");
        r.AssertEqual("IN_USE_RESTORED", "True");
    }

    [Theory]
    [InlineData("default")]
    [InlineData("checked")]
    [InlineData("no-ownership")]
    public void Realloc_OfTheLastCarvedBlock_GrowsPastTheMmapThresholdInPlace_AndSuchABlockFreesLikeAMappedOne(string mode)
    {
        var r = Probe.Run("realloc-past-threshold", EnvironmentOf(mode));
        r.AssertRan();
        // 64 KiB to 700 KiB and 1 MiB and back to 100 KiB, at one address, with no mapping made.
        r.AssertEqual("GROW_700K_IN_PLACE", "True");
        r.AssertEqual("GROW_700K_USABLE", Support.BucketFor(700 * 1024).ToString(CultureInfo.InvariantCulture));
        r.AssertEqual("GROW_1M_IN_PLACE", "True");
        r.AssertEqual("GROW_PATTERN", "-1");
        r.AssertEqual("GROW_SIZE", "1048576");
        r.AssertEqual("SHRINK_IN_PLACE", "True");
        r.AssertEqual("SHRINK_USABLE", Support.BucketFor(100 * 1024).ToString(CultureInfo.InvariantCulture));
        r.AssertEqual("SHRINK_PATTERN", "-1");
        r.AssertEqual("CHAIN_MMAP_CALLS", "0");
        // The rest runs at a threshold of 128 KiB (blocks of 150-200 KiB cross it with room to spare in the bump area).
        r.AssertEqual("MALLOPT", "1");
        // Zero fill stays sticky over the dirty bytes the bump area got back.
        r.AssertEqual("ZERO_GROW_IN_PLACE", "True");
        r.AssertEqual("ZERO_GROW_HEAD", "-1");
        r.AssertEqual("ZERO_GROW_TAIL", "-1");
        r.AssertEqual("ZERO_GROW_STICKY", "True");
        // Freed, such a block gives its memory back as a mapped block would: to the bump area when it is the last
        // carved, else its pages to the OS, whichever thread frees it. Checked mode keeps freed blocks scrubbed, so
        // there the pages stay and the block goes on its list.
        bool givesBack = mode != "checked";
        r.AssertEqual("LAST_CARVED_FREE_GIVEN_BACK", givesBack ? "True" : "False");
        r.AssertEqual("B_IN_PLACE", "True");
        r.AssertEqual("B_RESIDENT_BEFORE_FREE", "30");
        r.AssertEqual("B_RESIDENT_AFTER_FREE", givesBack ? "0" : "30");
        r.AssertEqual("D_RESIDENT_BEFORE_FREE", "30");
        r.AssertEqual("D_RESIDENT_AFTER_REMOTE_FREE", givesBack ? "0" : "30");
        // A realloc moving to its size takes the freed block; a malloc of that size still gets a mapping.
        r.AssertEqual("MOVE_TOOK_FREED_BLOCK", "True");
        r.AssertEqual("MOVE_PATTERN", "-1");
        r.AssertEqual("MOVE_MMAP_CALLS", "0");
        r.AssertEqual("MALLOC_MAPS", "1");
        r.AssertEqual("MALLOC_NOT_FREED_BLOCK", "True");
        r.AssertEqual("D_TOOK_FREED_BLOCK", "True");
        // With ownership the block another thread freed comes home and is taken again; without, it joined that thread's heap.
        r.AssertEqual("E_TOOK_REMOTELY_FREED_BLOCK", mode == "no-ownership" ? "False" : "True");
        r.AssertEqual("IN_USE_RESTORED", "True");
    }

    [Fact]
    public void MalloptTopPad_SetsTheExtensionSize()
    {
        var small = Probe.Run("top-pad");
        small.AssertRan();
        small.AssertEqual("MALLOPT", "1");
        small.AssertEqual("INTACT", "True");
        var normal = Probe.Run("extension");
        normal.AssertRan();
        long smallCalls = small.GetLong("EXTEND_CALLS"), normalCalls = normal.GetLong("EXTEND_CALLS");
        Assert.True(smallCalls > normalCalls, $"M_TOP_PAD 1 MiB: {smallCalls} extend calls; default 10 MiB: {normalCalls}");
    }

    // ---- no ownership ----

    [Fact]
    public void NoOwnership_TheFreeingThreadKeepsTheBlocks()
    {
        var r = Probe.Run("noown-basic", ("CFA_MALLOC_OWNERSHIP", "0"));
        r.AssertRan();
        r.AssertEqual("HAS_OWNERSHIP", "False");
        r.AssertEqual("REMOTE_BEFORE_FREE", "100");
        r.AssertEqual("PUSHES_DELTA", "0");
        Assert.True(r.GetLong("REUSED") >= 1, "the freeing thread never reused the blocks it freed\n" + r.Describe());
        r.AssertEqual("REMOTE_AFTER", "0");
    }

    [Fact]
    public void NoOwnership_ChurningProducersAndAConsumer_NoPushesNoCorruption()
    {
        var r = Probe.Run("noown-churn", ("CFA_MALLOC_OWNERSHIP", "0"));
        r.AssertRan();
        r.AssertEqual("HAS_OWNERSHIP", "False");
        r.AssertEqual("ERRORS", "0");
        r.AssertEqual("PUSHES_DELTA", "0");
        r.AssertEqual("INUSE_DELTA", "0");
        // The consumer keeps what it frees, so it allocates those blocks again.
        Assert.True(r.GetLong("REUSED_BY_CONSUMER") > 0, r.Describe());
        Assert.True(r.GetLong("HEAPS_NEW_DELTA") <= 16, "producers' heaps must be reused\n" + r.Describe());
    }

    [Fact]
    public void NoOwnership_Stress_NoRemotePushesAndNoCorruption()
    {
        var r = Probe.Run("noown-stress", ("CFA_MALLOC_OWNERSHIP", "0"));
        r.AssertRan();
        r.AssertEqual("HAS_OWNERSHIP", "False");
        r.AssertEqual("ERRORS", "0");
        Assert.Equal(400_000, r.GetLong("OPERATIONS"));
        Assert.True(r.GetLong("CROSS_THREAD_FREES") > 1000, r.Describe());
        r.AssertEqual("PUSHES_DELTA", "0");
        r.AssertEqual("PULLS_DELTA", "0");
        r.AssertEqual("INUSE_DELTA", "0");
        r.AssertEqual("MALLOC_CALLS_OK", "True");
        r.AssertEqual("FREE_CALLS_OK", "True");
        r.AssertEqual("REALLOC_CALLS_OK", "True");
    }
    [Fact]
    public void CheckedMode_ThreadedWorkloadWithinTheRequestSizes_ReportsNothing()
    {
        var r = Probe.Run("checked-stress", s_checked);
        r.AssertRan();
        r.AssertEqual("IS_CHECKED", "True");
        r.AssertEqual("ERRORS", "0");
        Assert.Equal(60_000, r.GetLong("OPERATIONS"));
        r.AssertEqual("INUSE_DELTA", "0");
        r.AssertEqual("UNFREED", "0");
    }

    // ---- counting the fast paths ----

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void TheFastPathsCountTheirCalls_UnlessCountingIsOff_AndTheGeneralPathsAlwaysCount(bool counting)
    {
        var r = counting ? Probe.Run("uncounted-fast-paths") : Probe.Run("uncounted-fast-paths", ("CFA_MALLOC_COUNT_FAST_PATHS", "0"));
        r.AssertRan();
        r.AssertEqual("CONTENTS_OK", "True");
        r.AssertEqual("COUNTED", counting ? "True" : "False");
        // 1,000 rounds of malloc, calloc, aligned_alloc, realloc and three frees.
        r.AssertEqual("FAST_CALLS", counting ? "7000" : "0");
        r.AssertEqual("LARGE_MALLOC_CALLS", "1");
        r.AssertEqual("LARGE_FREE_CALLS", "1");
        r.AssertEqual("PRINTED_NOTE", counting ? "False" : "True");
    }

    // ---- heap pool ----

    [Fact]
    public void ANewThread_TakesOverTheHeapOfAnExitedThread_WithItsFreeLists()
    {
        var r = Probe.Run("heap-reuse");
        r.AssertRan();
        r.AssertEqual("STARTED_DELTA", "1");
        r.AssertEqual("HEAPS_NEW_DELTA", "0");
        r.AssertEqual("HEAPS_REUSED_DELTA", "1");
        Assert.True(r.GetLong("REUSED_BLOCKS") >= 1, "the new thread did not get the exited thread's free blocks\n" + r.Describe());
    }

    [Fact]
    public void MallocTrim_ReleasesFreeBlocksOfPooledHeaps()
    {
        var r = Probe.Run("trim-pooled");
        r.AssertRan();
        r.AssertEqual("TRIM_HUGE_PAD", "0");
        r.AssertEqual("HUGE_PAD_TRIM_BYTES", "0");
        // A pad of 24 blocks' worth keeps about half of the 48 free 64 KiB blocks untouched.
        r.AssertEqual("TRIM_HALF_PAD", "1");
        long half = r.GetLong("HALF_PAD_TRIM_BYTES");
        Assert.True(half >= 20L * 14 * 4096 && half <= 26L * 64 * 1024, $"a pad of half the free blocks trimmed {half} bytes\n" + r.Describe());
        r.AssertEqual("TRIM_ZERO_PAD", "1");
        Assert.True(r.GetLong("ZERO_PAD_TRIM_CALLS") >= 1, r.Describe());
        // The other half: at least 14 whole pages in each 64 KiB block.
        long rest = r.GetLong("ZERO_PAD_TRIM_BYTES");
        Assert.True(rest >= 20L * 14 * 4096, $"trimmed only {rest} bytes after the half pad\n" + r.Describe());
        r.AssertEqual("REUSE_OK", "True");
    }

    [Fact]
    public void MappingCache_GrowsWithTheLargeBlocksHeld_AndFallsBackWhenTheyAreFreed()
    {
        var r = Probe.Run("mapping-cache-follows");
        r.AssertRan();
        long fixedLimit = r.GetLong("FIXED_LIMIT");
        // 50 of 200 MiB freed: 150 MiB still held, so the cache keeps all 50 (more than its fixed 32 MiB), unmapping nothing.
        Assert.True(r.GetLong("QUARTER_CACHED") >= 50L * 1024 * 1024, r.Describe());
        r.AssertEqual("QUARTER_UNMAPS", "0");
        r.AssertEqual("RETAKEN_MAPS", "0");
        r.AssertEqual("CONTENTS_OK", "True");
        // Everything freed: the cache keeps its fixed size at most; the rest went back to the OS as the frees came.
        Assert.True(r.GetLong("ALL_FREED_CACHED") <= fixedLimit, r.Describe());
    }

    [Fact]
    public void MallocTrim_TrimsTheHeapOfAThreadThatEnded_WithoutWaitingForACollection()
    {
        var r = Probe.Run("trim-exited");
        r.AssertRan();
        // No collection ran the thread's finalizer: the exit is found by the trim itself.
        r.AssertEqual("EXITED_BEFORE", "0");
        r.AssertEqual("EXITED_AFTER", "1");
        r.AssertEqual("TRIM", "1");
        Assert.True(r.GetLong("TRIM_BYTES") >= 40L * 14 * 4096, $"trimmed only {r.Get("TRIM_BYTES")} bytes of 48 free 64 KiB blocks\n" + r.Describe());
        r.AssertEqual("REUSE_OK", "True");
        r.AssertEqual("HEAPS_REUSED", "1");
    }
}
