namespace Workbench.Benchmarks.Platform;

/// <summary>
/// What kind of file a path names, as the kernel says (statx(2), following symbolic links): .NET reports a character
/// device (<c>/dev/zero</c>) or a FIFO as a "Normal" file of length 0, and reading one may never end (<c>/dev/zero</c>)
/// or block forever (a FIFO without a writer). Call this before opening a file that should be a plain file.
/// </summary>
public static class FileKind
{
    private const int AtFdCwd = -100;
    private const uint StatxType = 0x1;
    private const int ModeOffset = 28;
    private const int FormatMask = 0xF000;
    private const int Regular = 0x8000;

    /// <summary>
    /// True when <paramref name="path"/> is a regular file (after symbolic links), false when it is anything else (a
    /// directory, a device, a FIFO, a socket) or cannot be looked at.
    /// </summary>
    public static unsafe bool IsRegularFile(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!OperatingSystem.IsLinux())
        {
            return File.Exists(path);
        }
        byte* buffer = stackalloc byte[256];
        if (NativeMethods.Statx(AtFdCwd, path, 0, StatxType, buffer) != 0)
        {
            return false;
        }
        ushort mode = *(ushort*)(buffer + ModeOffset);
        return (mode & FormatMask) == Regular;
    }
}
