namespace Workbench.Benchmarks.Traces;

/// <summary>
/// Unsigned LEB128 variable-length integers: seven bits per byte, least significant group first, the high bit set
/// on every byte but the last. A number below 128 takes one byte; a 64-bit number at most ten.
/// </summary>
public static class Varint
{
    /// <summary>The most bytes one number takes.</summary>
    public const int MaxBytes = 10;

    /// <summary>Writes <paramref name="value"/> at <paramref name="position"/> of <paramref name="buffer"/>; returns the position after it.</summary>
    public static int Write(byte[] buffer, int position, ulong value)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        while (value >= 0x80)
        {
            buffer[position++] = (byte)(value | 0x80);
            value >>= 7;
        }
        buffer[position++] = (byte)value;
        return position;
    }

    /// <summary>
    /// Reads a number starting at <paramref name="position"/>; false when the bytes end before the number does or
    /// the number does not fit in 64 bits.
    /// </summary>
    public static bool TryRead(ReadOnlySpan<byte> buffer, ref int position, out ulong value)
    {
        value = 0;
        int shift = 0;
        int p = position;
        while (p < buffer.Length)
        {
            byte b = buffer[p++];
            if (shift == 63 && b > 1)
            {
                return false;
            }
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                position = p;
                return true;
            }
            shift += 7;
            if (shift > 63)
            {
                return false;
            }
        }
        return false;
    }
}
