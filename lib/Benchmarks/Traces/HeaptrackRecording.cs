namespace Workbench.Benchmarks.Traces;

/// <summary>What <see cref="HeaptrackRecorder.Record"/> did.</summary>
/// <param name="ExitCode">The recorded program's exit code (as heaptrack passed it on).</param>
/// <param name="RawFile">Where the raw recording was kept, or null when it was deleted after import.</param>
/// <param name="Import">What the import read, wrote and skipped.</param>
public sealed record HeaptrackRecording(int ExitCode, string? RawFile, HeaptrackImportReport Import);
