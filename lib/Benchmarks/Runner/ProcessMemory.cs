using System.Globalization;

namespace Workbench.Benchmarks.Runner;

/// <summary>Reads this process's memory figures from <c>/proc/self</c> (Linux); 0 elsewhere.</summary>
public static class ProcessMemory
{
    private static readonly long s_pageKib = Environment.SystemPageSize / 1024;

    /// <summary>The resident set size now, in KiB (from <c>/proc/self/statm</c>).</summary>
    public static long CurrentRssKib()
    {
        try
        {
            string text = File.ReadAllText("/proc/self/statm");
            string[] fields = text.Split(' ');
            return long.Parse(fields[1], CultureInfo.InvariantCulture) * s_pageKib;
        }
        catch (IOException)
        {
            return 0;
        }
        catch (UnauthorizedAccessException)
        {
            return 0;
        }
    }

    /// <summary>The peak resident set size so far, in KiB (<c>VmHWM</c> of <c>/proc/self/status</c>).</summary>
    public static long PeakRssKib() => StatusField("VmHWM:");

    /// <summary>A KiB field of <c>/proc/self/status</c>, or 0.</summary>
    public static long StatusField(string name)
    {
        try
        {
            foreach (string line in File.ReadLines("/proc/self/status"))
            {
                if (line.StartsWith(name, StringComparison.Ordinal))
                {
                    string value = line[name.Length..].Trim();
                    int space = value.IndexOf(' ', StringComparison.Ordinal);
                    return long.Parse(space < 0 ? value : value[..space], CultureInfo.InvariantCulture);
                }
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
        return 0;
    }
}
