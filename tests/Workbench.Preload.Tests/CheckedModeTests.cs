using System.Text.RegularExpressions;

namespace Workbench.Preload.Tests;

/// <summary>
/// Misuse in a C program: it ends the process, with the block's address; a double free and a free of a pointer the
/// allocator never returned in every mode, a write past the request size in checked mode (CFA_MALLOC_CHECKED=1).
/// </summary>
public sealed partial class CheckedModeTests
{
    [Theory]
    [InlineData("double-free", "double free")]
    [InlineData("overrun", "write past the requested size")]
    public void AMisuse_EndsTheProcess_NamingTheAddress(string misuse, string problem)
    {
        string program = Preloaded.Compile("misuse", null, "-Wno-use-after-free");
        ProcessOutcome run = Preloaded.RunPreloaded(program, [misuse], new Dictionary<string, string> { ["CFA_MALLOC_CHECKED"] = "1" });
        Match block = BlockLine().Match(run.Stdout);
        Assert.True(block.Success, run.ToString());
        Assert.NotEqual(0, run.Exit);
        Assert.DoesNotContain("survived", run.Stdout, StringComparison.Ordinal);
        Assert.Contains($"{problem} at {block.Groups[1].Value}", run.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("double-free", "double free")]
    [InlineData("stack-free", "free of a pointer the allocator never returned")]
    public void AMisuse_EndsTheProcess_NamingTheAddress_InTheDefaultModeToo(string misuse, string problem)
    {
        string program = Preloaded.Compile("misuse", null, "-Wno-use-after-free", "-Wno-free-nonheap-object");
        ProcessOutcome run = Preloaded.RunPreloaded(program, [misuse], new Dictionary<string, string>());
        Match block = BlockLine().Match(run.Stdout);
        Assert.True(block.Success, run.ToString());
        Assert.NotEqual(0, run.Exit);
        Assert.DoesNotContain("survived", run.Stdout, StringComparison.Ordinal);
        Assert.Contains($"{problem} at {block.Groups[1].Value}", run.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("checked mode", run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void StorageNotFreed_IsReportedAtExit_LessWhatMallocUnfreedAllows()
    {
        string program = Preloaded.Compile("misuse", null, "-Wno-use-after-free", "-Wno-free-nonheap-object");
        ProcessOutcome run = Preloaded.RunPreloaded(program, ["leak"], new Dictionary<string, string> { ["CFA_MALLOC_CHECKED"] = "1" });
        Assert.True(run.Exit == 0 && run.Stdout.Contains("survived", StringComparison.Ordinal), run.ToString());
        Match report = UnfreedLine().Match(run.Stderr);
        Assert.True(report.Success, run.ToString());
        // The program's 4 blocks (40 + 3 x 1000 bytes), and whatever the C library kept (its stdout buffer).
        Assert.True(long.Parse(report.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) >= 3040, run.Stderr);
        Assert.Contains(BlockLine().Match(run.Stdout).Groups[1].Value, run.Stderr, StringComparison.Ordinal);
        ProcessOutcome allowed = Preloaded.RunPreloaded(program, ["leak"], new Dictionary<string, string> { ["CFA_MALLOC_CHECKED"] = "1", ["CFA_MALLOC_UNFREED"] = "1000000" });
        Assert.True(allowed.Exit == 0, allowed.ToString());
        Assert.DoesNotMatch(UnfreedLine(), allowed.Stderr);
        ProcessOutcome unchecked_ = Preloaded.RunPreloaded(program, ["leak"], new Dictionary<string, string>());
        Assert.DoesNotMatch(UnfreedLine(), unchecked_.Stderr);
    }

    [GeneratedRegex(@"warning: (\d+) bytes in \d+ blocks allocated and not freed")]
    private static partial Regex UnfreedLine();

    [GeneratedRegex(@"block (0x[0-9a-f]+)")]
    private static partial Regex BlockLine();
}
