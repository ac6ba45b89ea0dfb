namespace Workbench.Figures.Shaping;

/// <summary>One repetition's time per operation.</summary>
/// <param name="Threads">The thread count it ran at.</param>
/// <param name="NsPerOp">Its nanoseconds per operation.</param>
public sealed record RepetitionTime(int Threads, double NsPerOp);
