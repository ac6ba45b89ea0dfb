namespace Workbench.Benchmarks.Workloads;

/// <summary>What a probe does: the block size, the bytes written past the end, and the malloc+free pairs after the misuse.</summary>
/// <param name="Size">The size of every block of the probe.</param>
/// <param name="Overflow">Bytes written past the end of the block (the overflow probe).</param>
/// <param name="FollowUp">malloc+free pairs of <paramref name="Size"/> after the misuse.</param>
public sealed record ProbeSettings(nuint Size, int Overflow, long FollowUp);
