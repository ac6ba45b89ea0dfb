using Workbench.Figures.Shaping;

namespace Workbench.Figures.Tests.Shaping;

/// <summary>The numbers of the speed-routines figure: each routine's median and range per allocator, in axis order.</summary>
public sealed class SpeedRoutinesDataTests
{
    [Fact]
    public void EachTimedRoutineIsTheMedianOfTheRepetitionsInAxisOrder()
    {
        ResultTable table = new();
        double[] mallocFree = [11, 13, 12];
        double[] reallocGrow = [30, 50, 40];
        for (int rep = 1; rep <= 3; rep++)
        {
            // Written in another order than the axis's: realloc grow, then malloc+free.
            table.Add("speed", "cfa", 1, rep, new() { ["speed_realloc_grow_ns"] = reallocGrow[rep - 1], ["speed_malloc_free_ns"] = mallocFree[rep - 1] });
        }
        table.Add("speed", "glibc", 1, 1, new() { ["speed_batch_ns"] = 7 }).Add("speed", "glibc", 1, 2, new() { ["speed_batch_ns"] = 9 });
        table.Add("speed", "glibc", 2, 1, new() { ["speed_batch_ns"] = 100 });

        SpeedRoutinesData data = SpeedRoutinesData.From(table.Run())!;

        Assert.Equal(1, data.Threads);
        Assert.Equal(["malloc+free", "batch", "calloc+free", "realloc grow", "realloc shrink", "aligned+free"], data.Routines);
        Assert.Equal(["cfa", "glibc"], data.Series.Select(s => s.Allocator));
        Assert.Equal([new MedianRange("malloc+free", 12, 11, 13), new MedianRange("realloc grow", 40, 30, 50)], data.Series[0].Points);
        // Two repetitions: the median is their mean.
        Assert.Equal([new MedianRange("batch", 8, 7, 9)], data.Series[1].Points);

        SpeedRoutinesData atTwo = SpeedRoutinesData.From(table.Run(), threads: 2)!;
        Assert.Equal([new MedianRange("batch", 100, 100, 100)], atTwo.Series.Single().Points);
        Assert.Null(SpeedRoutinesData.From(table.Run(), threads: 3));
        Assert.Null(SpeedRoutinesData.From(new ResultTable().Add("churn", "cfa", 1, 1, new() { ["speed_batch_ns"] = 5 }).Run()));
    }
}
