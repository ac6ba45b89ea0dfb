using System.Globalization;
using Workbench.Allocator.Testing;

namespace Workbench.Allocator.Probe;

/// <summary>
/// How the probe tells the tests what it saw: one KEY=VALUE line per fact on standard output, flushed at once so
/// that what was printed before a crash is kept. The scenarios import these with <c>using static</c>.
/// </summary>
internal static unsafe class Report
{
    /// <summary>Prints KEY=VALUE, the value in the invariant culture and on one line.</summary>
    public static void Put(string key, object? value)
    {
        string text = Convert.ToString(value, CultureInfo.InvariantCulture) ?? "";
        Console.Out.WriteLine($"{key}={text.Replace('\n', ' ').Replace('\r', ' ')}");
        Console.Out.Flush();
    }

    /// <summary>An address as the tests parse it: 0x and lower-case hex digits.</summary>
    public static string Hex(nint p) => "0x" + ((ulong)p).ToString("x", CultureInfo.InvariantCulture);

    /// <inheritdoc cref="Hex(nint)"/>
    public static string Hex(void* p) => Hex((nint)p);

    /// <summary>Runs <paramref name="action"/> and reports what it threw as TAG.EXCEPTION/PROBLEM/ADDRESS/MESSAGE.</summary>
    public static bool Catch(string tag, Action action)
    {
        try
        {
            action();
            Put(tag + ".EXCEPTION", "none");
            return false;
        }
        catch (HeapCorruptionException e)
        {
            Put(tag + ".EXCEPTION", e.GetType().Name);
            Put(tag + ".PROBLEM", e.Problem);
            Put(tag + ".ADDRESS", Hex((nint)e.Address));
            Put(tag + ".MESSAGE", e.Message);
            return true;
        }
        catch (Exception e)
        {
            Put(tag + ".EXCEPTION", e.GetType().Name);
            Put(tag + ".MESSAGE", e.Message);
            return true;
        }
    }

    /// <summary>Reports under <paramref name="key"/> "ok" when all <paramref name="length"/> bytes hold <paramref name="value"/>, else the first byte that does not.</summary>
    public static void ScrubCheck(string key, void* p, nuint length, byte value)
    {
        long at = Pattern.CheckByte(p, length, value);
        Put(key, at < 0 ? "ok" : $"bad at {at}: 0x{((byte*)p)[at]:x2}");
    }
}
