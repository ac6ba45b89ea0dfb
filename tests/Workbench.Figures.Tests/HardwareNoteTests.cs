using Workbench.Benchmarks.Results;
using Workbench.Figures;

namespace Workbench.Figures.Tests;

/// <summary>Every figure of a run whose trials ran on more than one CPU model says so; a run on one model has no note.</summary>
public sealed class HardwareNoteTests : IDisposable
{
    private readonly Fixture _fixture = new();

    public void Dispose() => _fixture.Dispose();

    [Fact]
    public void EveryFigureOfAMixedRunCarriesTheNote()
    {
        // Repetition 3 ran on other nodes, of another CPU model (as a share of a Slurm array may).
        List<ResultRow> rows = [.. _fixture.Run.Rows.Select(r => new ResultRow(
            new Dictionary<string, string>(r.Values) { ["cpu_model"] = r.Repetition == 3 ? "AMD EPYC 7662" : "Intel(R) Xeon(R) Gold 6130", ["node"] = $"n{r.Repetition}" },
            r.KnobColumns))];
        List<Figure> figures = RunFigures.All(RunData.FromRows("mixed", rows, _fixture.Directory), "glibc");
        Assert.NotEmpty(figures);
        Assert.All(figures, f => Assert.Contains("Mixed hardware: Intel(R) Xeon(R) Gold 6130", f.ToJson(), StringComparison.Ordinal));
        Assert.All(RunFigures.All(_fixture.Run, "glibc"), f => Assert.DoesNotContain("Mixed hardware", f.ToJson(), StringComparison.Ordinal));
    }
}
