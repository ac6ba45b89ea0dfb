namespace Workbench.Slurm.Tests;

/// <summary>The tests that share the one cluster (<see cref="SlurmCluster"/>), one after another.</summary>
[CollectionDefinition("slurm")]
public sealed class SlurmCollection : ICollectionFixture<SlurmCluster>;
