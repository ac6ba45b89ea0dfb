using Workbench.Figures.Shaping;

namespace Workbench.Figures.Tests.Shaping;

/// <summary>The numbers of the thesis's speed figure: per size of the range (or per size spec), each routine and chain's median per allocator.</summary>
public sealed class SpeedChainsDataTests
{
    [Fact]
    public void APanelPerSizeOfTheRangeInAscendingOrder()
    {
        ResultTable table = new();
        for (int rep = 1; rep <= 3; rep++)
        {
            table.Add("speed", "cfa", 1, rep, new()
            {
                ["speed_tight_ns_at_4096"] = 10 + rep, ["speed_tight_ns_at_64"] = 2 + rep,
                ["speed_chain_malloc_free_ns_at_64"] = 5 * rep, ["speed_tight_ns"] = 99,
            });
        }
        table.Add("speed", "glibc", 1, 1, new() { ["speed_malloc_ns_at_64"] = 7 });
        table.Add("speed", "glibc", 2, 1, new() { ["speed_malloc_ns_at_128"] = 70 });

        SpeedChainsData data = SpeedChainsData.From(table.Run())!;

        Assert.Equal(["64 B", "4096 B"], data.Panels.Select(p => p.Title));
        Assert.Equal("tight malloc-write-free", data.Labels[^1]);
        Assert.Equal(["cfa", "glibc"], data.Panels[0].Series.Select(s => s.Allocator));
        // In axis order: the chain before the tight pair; medians of the three repetitions with their range.
        Assert.Equal([new MedianRange("malloc-free", 10, 5, 15), new MedianRange("tight malloc-write-free", 4, 3, 5)], data.Panels[0].Series[0].Points);
        Assert.Equal([new MedianRange("malloc", 7, 7, 7)], data.Panels[0].Series[1].Points);
        Assert.Equal([new MedianRange("tight malloc-write-free", 12, 11, 13)], data.Panels[1].Series.Single().Points);
        Assert.Equal(["128 B"], SpeedChainsData.From(table.Run(), threads: 2)!.Panels.Select(p => p.Title));
    }

    [Fact]
    public void WithoutARangeAPanelPerSizeSpec()
    {
        ResultTable table = new ResultTable()
            .Add("speed", "cfa", 1, 1, new() { ["speed_tight_ns"] = 3 }, sizes: "fixed:16")
            .Add("speed", "cfa", 1, 1, new() { ["speed_tight_ns"] = 4 }, sizes: "fixed:256")
            .Add("speed", "cfa", 1, 1, new() { ["speed_malloc_free_ns"] = 4 }, sizes: "fixed:512");

        SpeedChainsData data = SpeedChainsData.From(table.Run())!;

        // fixed:512 has only the earlier table loops: no panel.
        Assert.Equal(["fixed:16", "fixed:256"], data.Panels.Select(p => p.Title));
        Assert.Null(SpeedChainsData.From(new ResultTable().Add("churn", "cfa", 1, 1, new() { ["speed_tight_ns"] = 5 }).Run()));
    }
}
