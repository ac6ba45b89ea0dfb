using Workbench.Allocator;
using Workbench.Benchmarks.Allocators;
using Workbench.Benchmarks.Platform;

namespace Workbench.Benchmarks.Workloads;

/// <summary>
/// The child side of the <c>security</c> benchmark: commits one <see cref="SecurityProbe"/> on one allocator in this
/// process and reports on standard output, one word a line: <see cref="ArmedLine"/> just before the misuse (before the
/// free that starts a double free or a use after free; a death before it is the allocator failing on correct use), then <see cref="DetectedWord"/>, <see cref="SilentWord"/>,
/// <see cref="NotApplicableWord"/> or <see cref="CrashedWord"/>, each followed by one line of detail. A death after
/// <see cref="ArmedLine"/> is read from the exit status by <see cref="SecurityWorkload"/>.
/// </summary>
public static class SecurityProbeChild
{
    /// <summary>The workbench program's hidden command that runs one probe: <c>workbench security-probe ALLOCATOR PROBE SIZE OVERFLOW FOLLOW_UP</c>.</summary>
    public const string Command = "security-probe";

    /// <summary>Printed just before the misuse.</summary>
    public const string ArmedLine = "ARMED";

    /// <summary>The allocator raised an exception about the misuse.</summary>
    public const string DetectedWord = "DETECTED";

    /// <summary>Nothing happened.</summary>
    public const string SilentWord = "SILENT";

    /// <summary>The misuse cannot be written for this allocator.</summary>
    public const string NotApplicableWord = "NOT_APPLICABLE";

    /// <summary>An exception that is no report of the allocator (a null reference in its code, an index out of range).</summary>
    public const string CrashedWord = "CRASHED";

    /// <summary>
    /// Runs the probe named in <paramref name="args"/> (the words after <see cref="Command"/>) and returns the exit code:
    /// 0 when a verdict line was printed, 2 for a wrong command line.
    /// </summary>
    public static int Main(IReadOnlyList<string> args, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        if (!ParentDeath.TieToParent())
        {
            return 1;
        }
        if (args.Count != 5
            || AllocatorCatalog.Find(args[0]) is not { } allocator
            || !Enum.TryParse(args[1], ignoreCase: false, out SecurityProbe probe)
            || !nuint.TryParse(args[2], out nuint size) || size < 1
            || !int.TryParse(args[3], out int overflow) || overflow < 1
            || !long.TryParse(args[4], out long followUp) || followUp < 0)
        {
            error.WriteLine($"workbench: usage: workbench {Command} ALLOCATOR PROBE SIZE OVERFLOW FOLLOW_UP, e.g. workbench {Command} glibc {SecurityProbe.DoubleFree} 64 32 1000 (the security benchmark starts it)");
            return 2;
        }
        AllocatorCatalog.Prepare(allocator.Name);
        allocator.Adapter.Use(new ProbeUser(probe, size, overflow, followUp, output));
        output.Flush();
        return 0;
    }

    /// <summary>One probe, handed the allocator's struct by its adapter.</summary>
    private sealed class ProbeUser(SecurityProbe probe, nuint size, int overflow, long followUp, TextWriter output) : IAllocatorUser<bool>
    {
        public bool Use<TAllocator>(TAllocator allocator)
            where TAllocator : struct, IAllocator
        {
            bool armed = false;
            try
            {
                string? silentDetail = Commit(allocator, probe, size, overflow, followUp, () =>
                {
                    armed = true;
                    output.WriteLine(ArmedLine);
                    output.Flush();
                });
                Report(silentDetail is null ? NotApplicableWord : SilentWord, silentDetail ?? NotApplicableReason(probe));
            }
            catch (Exception e) when (armed && IsAllocatorReport(e))
            {
                Report(DetectedWord, $"{e.GetType().Name}: {e.Message}");
            }
            catch (Exception e)
            {
                Report(CrashedWord, (armed ? "" : "before the misuse, on correct use: ") + $"{e.GetType().Name}: {e.Message}");
            }
            return armed;
        }

        private void Report(string word, string detail)
        {
            output.WriteLine(word);
            output.WriteLine(detail.ReplaceLineEndings(" "));
            output.Flush();
        }
    }

    /// <summary>Whether an exception is an allocator's own report of misuse rather than a failure inside it.</summary>
    private static bool IsAllocatorReport(Exception e) => e is HeapCorruptionException or ArgumentException or InvalidOperationException;

    private static string NotApplicableReason(SecurityProbe probe) => probe switch
    {
        SecurityProbe.Overflow => "the allocator hands out managed arrays, which cannot be written past their end",
        _ => "the allocator hands out managed arrays, which have no interior pointer to free",
    };

    /// <summary>
    /// Commits the misuse: sets up with correct calls, calls <paramref name="arm"/>, misuses the heap (for the double free
    /// and the use after free, <paramref name="arm"/> comes before the free that starts the misuse, so that nothing runs
    /// between that free and the misuse), then allocates and frees blocks of the same size <paramref name="followUp"/>
    /// times so that the allocator meets the damage. Returns a
    /// one-line account when nothing was raised, or null when the probe cannot be written for this allocator.
    /// </summary>
    private static unsafe string? Commit<TAllocator>(TAllocator allocator, SecurityProbe probe, nuint size, int overflow, long followUp, Action arm)
        where TAllocator : struct, IAllocator
    {
        Block first = Checked.NotNull(allocator.Malloc(size), size);
        BlockBytes.Of(first).Fill(0x5A);
        bool managed = first.Array is not null;
        // Every path the misuse takes is compiled before it starts: the JIT mallocs on this thread, and a block it got
        // between the two frees of a double free would turn the probe into a free of a block handed out again.
        FollowUp(allocator, size, 1);
        switch (probe)
        {
            case SecurityProbe.DoubleFree:
            {
                arm();
                allocator.Free(first);
                allocator.Free(first);
                Block a = Checked.NotNull(allocator.Malloc(size), size);
                Block b = Checked.NotNull(allocator.Malloc(size), size);
                bool twice = a.Address == b.Address && a.Array == b.Array;
                FollowUp(allocator, size, followUp);
                return twice ? "the block freed twice was then handed out twice" : "no error";
            }
            case SecurityProbe.UseAfterFree:
            {
                arm();
                allocator.Free(first);
                BlockBytes.Of(first).Fill((byte)'A');
                FollowUp(allocator, size, followUp);
                return "no error";
            }
            case SecurityProbe.Overflow:
            {
                if (managed)
                {
                    allocator.Free(first);
                    return null;
                }
                Block neighbour = Checked.NotNull(allocator.Malloc(size), size);
                BlockBytes.Of(neighbour).Fill(0x5A);
                arm();
                for (int k = 0; k < overflow; k++)
                {
                    first.At(size + (nuint)k) ^= (byte)'A';
                }
                allocator.Free(first);
                allocator.Free(neighbour);
                FollowUp(allocator, size, followUp);
                return "no error";
            }
            case SecurityProbe.InteriorFree:
            {
                if (managed)
                {
                    allocator.Free(first);
                    return null;
                }
                nuint offset = size >= 32 ? (size / 2) & ~(nuint)15 : size / 2;
                arm();
                allocator.Free(new Block((void*)(first.Address + (nint)offset), size - offset));
                FollowUp(allocator, size, followUp);
                return "no error";
            }
            default:
                throw new ArgumentOutOfRangeException(nameof(probe), probe, "unknown probe");
        }
    }

    private static void FollowUp<TAllocator>(TAllocator allocator, nuint size, long count)
        where TAllocator : struct, IAllocator
    {
        for (long i = 0; i < count; i++)
        {
            Block block = Checked.NotNull(allocator.Malloc(size), size);
            block.Touch((byte)i);
            allocator.Free(block);
        }
    }
}
