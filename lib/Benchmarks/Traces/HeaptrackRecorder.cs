using System.Diagnostics;

namespace Workbench.Benchmarks.Traces;

/// <summary>
/// Records a program's allocations with heaptrack (Debian package <c>heaptrack</c>) and imports the recording into a
/// trace in one step: <c>heaptrack --raw -o TMP/recording PROGRAM ARGS</c>, then <see cref="HeaptrackImporter"/>.
/// heaptrack preloads itself into the program; only that process is recorded (a child it starts, such as the
/// compiler proper that <c>gcc</c> runs, is not: record that program directly).
/// </summary>
public static class HeaptrackRecorder
{
    private static readonly string[] Chatter =
    [
        "heaptrack output will be written to",
        "starting application, this might take some time",
        "/libheaptrack_preload.so",
        "Heaptrack finished! Now run the following",
        "zstd -dc < ",
        "gzip -dc < ",
        "heaptrack_interpret",
        "heaptrack stats:",
    ];

    /// <summary>
    /// Runs <paramref name="program"/> with <paramref name="arguments"/> under heaptrack and writes the trace file
    /// <paramref name="trace"/>. The program's own output lines go to <paramref name="output"/> and <paramref name="error"/>
    /// (heaptrack's messages are left out; one line at a time). The raw recording is kept at <paramref name="keepRaw"/> when given.
    /// </summary>
    /// <exception cref="TraceToolException">heaptrack is not installed, or it wrote no recording.</exception>
    public static HeaptrackRecording Record(string program, IReadOnlyList<string> arguments, string trace, string? keepRaw, Action<string> output, Action<string> error)
    {
        ArgumentException.ThrowIfNullOrEmpty(program);
        ArgumentNullException.ThrowIfNull(arguments);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        string heaptrack = ExternalTools.Require("heaptrack", "heaptrack", "workbench trace record");
        string folder = Path.Combine(Path.GetTempPath(), $"workbench-record-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        try
        {
            ProcessStartInfo start = new(heaptrack)
            {
                UseShellExecute = false,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            foreach (string argument in new[] { "--raw", "-o", Path.Combine(folder, "recording"), program }.Concat(arguments))
            {
                start.ArgumentList.Add(argument);
            }
            int exitCode;
            using (Process process = Process.Start(start) ?? throw new TraceToolException($"could not start {heaptrack}"))
            {
                Lock gate = new();
                process.OutputDataReceived += (_, e) => Forward(e.Data, output, gate);
                process.ErrorDataReceived += (_, e) => Forward(e.Data, error, gate);
                process.BeginOutputReadLine();
                process.BeginErrorReadLine();
                process.WaitForExit();
                exitCode = process.ExitCode;
            }
            string raw = Directory.GetFiles(folder, "recording.raw*").FirstOrDefault()
                ?? throw new TraceToolException($"heaptrack wrote no recording (exit code {exitCode}): check that '{program}' is a program on the PATH, e.g. workbench trace record -- sqlite3 :memory: \"select 1\"");
            HeaptrackImportReport report = HeaptrackImporter.Import(raw, trace);
            string? kept = null;
            if (keepRaw is not null)
            {
                File.Copy(raw, keepRaw, overwrite: true);
                kept = keepRaw;
            }
            return new HeaptrackRecording(exitCode, kept, report);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static void Forward(string? line, Action<string> writer, Lock gate)
    {
        if (line is null || Chatter.Any(c => line.Contains(c, StringComparison.Ordinal)))
        {
            return;
        }
        lock (gate)
        {
            writer(line);
        }
    }
}
