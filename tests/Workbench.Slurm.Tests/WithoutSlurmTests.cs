using Workbench.Cli;

namespace Workbench.Slurm.Tests;

/// <summary>Where Slurm is absent, <c>--slurm</c> fails with one line that says so; the local path is untouched.</summary>
[Collection("slurm")]
public sealed class WithoutSlurmTests
{
    [Fact]
    public void SweepWithSlurmWhereThereIsNoSbatchFailsWithOneLine()
    {
        string folder = Path.Combine(Path.GetTempPath(), $"wb-noslurm-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        string experiment = Path.Combine(folder, "tiny.yaml");
        File.WriteAllText(experiment, "name: tiny\nbenchmarks: [churn]\nallocators: [bump]\nquick: true\n");
        string? path = Environment.GetEnvironmentVariable("PATH");
        // The tests of this collection run one after another: PATH without Slurm is seen by this test alone.
        Environment.SetEnvironmentVariable("PATH", folder);
        try
        {
            using StringWriter output = new();
            using StringWriter error = new();
            int code = CliApp.Run(["sweep", experiment, "--slurm", "--out", Path.Combine(folder, "run")], output, error);
            Assert.Equal(ExitCodes.Usage, code);
            Assert.Equal("workbench: Slurm is not installed here (no sbatch on PATH): run the sweep without --slurm, or from a Slurm cluster's login node\n", error.ToString());
            Assert.False(Directory.Exists(Path.Combine(folder, "run")));
        }
        finally
        {
            Environment.SetEnvironmentVariable("PATH", path);
        }
    }

    [Fact]
    public void SlurmOptionsWithoutSlurmAreAUsageError()
    {
        using StringWriter output = new();
        using StringWriter error = new();
        string experiment = Path.Combine(Path.GetTempPath(), $"wb-noslurm-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(experiment, "name: tiny\nbenchmarks: [churn]\nallocators: [bump]\nquick: true\n");
        int code = CliApp.Run(["sweep", experiment, "--tasks", "4"], output, error);
        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains("go with --slurm", error.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--nodes 2 --tasks 4", "give --nodes or --tasks, not both")]
    [InlineData("--nodes 0", "--nodes 0: write a number of nodes of 1 or more")]
    [InlineData("--nodes 2 --exclusive false", "drop --exclusive false")]
    public void NodesIsCheckedBeforeAnythingIsSubmitted(string options, string expected)
    {
        using StringWriter output = new();
        using StringWriter error = new();
        string experiment = Path.Combine(Path.GetTempPath(), $"wb-nodes-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(experiment, "name: tiny\nbenchmarks: [churn]\nallocators: [bump]\nquick: true\n");
        int code = CliApp.Run(["sweep", experiment, "--slurm", .. options.Split(' ')], output, error);
        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains(expected, error.ToString(), StringComparison.Ordinal);
    }
}
