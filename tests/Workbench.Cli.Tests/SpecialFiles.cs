using System.Diagnostics;

namespace Workbench.Cli.Tests;

/// <summary>Files that are not regular files, for the tests of inputs that must be: a FIFO and a link to /dev/zero.</summary>
internal static class SpecialFiles
{
    /// <summary>A new FIFO (named pipe) at <paramref name="path"/>, made by mkfifo(1): opening it to read blocks until a writer comes.</summary>
    public static string Fifo(string path)
    {
        using Process mkfifo = Process.Start(new ProcessStartInfo("mkfifo", [path]) { UseShellExecute = false })
            ?? throw new IOException("mkfifo did not start");
        mkfifo.WaitForExit();
        if (mkfifo.ExitCode != 0)
        {
            throw new IOException($"mkfifo {path} exited with code {mkfifo.ExitCode}");
        }
        return path;
    }

    /// <summary>A symbolic link at <paramref name="path"/> to /dev/zero, which reads as endless zero bytes.</summary>
    public static string EndlessZeros(string path)
    {
        File.CreateSymbolicLink(path, "/dev/zero");
        return path;
    }
}
